"""paper support lists

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 08:57:23.171162
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('support_signatures',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('pesel_hash', sa.String(length=64), nullable=False),
    sa.Column('pesel_encrypted', sa.Text(), nullable=False),
    sa.Column('first_name_encrypted', sa.Text(), nullable=False),
    sa.Column('last_name_encrypted', sa.Text(), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('supporter_ref', sa.String(length=100), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_signatures')),
    sa.UniqueConstraint('proposal_id', 'pesel_hash', name=op.f('uq_support_signatures_proposal_id'))
    )
    op.create_index(op.f('ix_support_signatures_edition_id'), 'support_signatures', ['edition_id'], unique=False)
    op.create_index(op.f('ix_support_signatures_proposal_id'), 'support_signatures', ['proposal_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_support_signatures_proposal_id'), table_name='support_signatures')
    op.drop_index(op.f('ix_support_signatures_edition_id'), table_name='support_signatures')
    op.drop_table('support_signatures')
