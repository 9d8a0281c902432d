"""remarks know their document section or question and may share one reply; comments remember when their
flags were reviewed

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('comments', sa.Column('flags_reviewed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('remarks', sa.Column('document_id', sa.UUID(), nullable=True))
    op.add_column('remarks', sa.Column('section_anchor', sa.String(length=50), nullable=True))
    op.add_column('remarks', sa.Column('question_code', sa.String(length=50), nullable=True))
    op.add_column('remarks', sa.Column('shares_reply_of', sa.UUID(), nullable=True))
    op.create_foreign_key(op.f('fk_remarks_document_id_documents'), 'remarks', 'documents', ['document_id'], ['id'])
    op.create_foreign_key(op.f('fk_remarks_shares_reply_of_remarks'), 'remarks', 'remarks', ['shares_reply_of'],
                          ['id'], ondelete='SET NULL')
    # remarks of comments collected before this revision: their document and section from the comment
    op.execute("UPDATE remarks r SET document_id = c.document_id, section_anchor = c.section_anchor "
               "FROM comments c WHERE r.kind = 'comment' AND r.source = c.id::text")
    op.execute("UPDATE remarks SET question_code = split_part(source, ':', 2) WHERE kind = 'open_answer'")


def downgrade() -> None:
    op.drop_constraint(op.f('fk_remarks_shares_reply_of_remarks'), 'remarks', type_='foreignkey')
    op.drop_constraint(op.f('fk_remarks_document_id_documents'), 'remarks', type_='foreignkey')
    for column in ('shares_reply_of', 'question_code', 'section_anchor', 'document_id'):
        op.drop_column('remarks', column)
    op.drop_column('comments', 'flags_reviewed_at')
