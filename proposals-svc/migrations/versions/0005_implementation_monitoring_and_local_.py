"""implementation monitoring and local initiatives

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:13:50.830734
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('implementations',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_code', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_implementations_progress_percent')),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_implementations_department_code_departments')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_implementations_edition_id_editions')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_implementations_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementations')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_implementations_proposal_id'))
    )
    op.create_index(op.f('ix_implementations_department_code'), 'implementations', ['department_code'], unique=False)
    op.create_index(op.f('ix_implementations_edition_id'), 'implementations', ['edition_id'], unique=False)
    op.create_table('initiative_terms',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('terms', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_initiative_terms_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_terms'))
    )
    op.create_index(op.f('ix_initiative_terms_proposal_id'), 'initiative_terms', ['proposal_id'], unique=False)
    op.create_table('implementation_updates',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('implementation_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['implementation_id'], ['implementations.id'], name=op.f('fk_implementation_updates_implementation_id_implementations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_updates'))
    )
    op.create_index(op.f('ix_implementation_updates_implementation_id'), 'implementation_updates', ['implementation_id'], unique=False)
    op.add_column('editions', sa.Column('kind', sa.String(length=30), server_default='participatory_budget', nullable=False))
    op.add_column('proposals', sa.Column('contribution', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column('proposals', 'contribution')
    op.drop_column('editions', 'kind')
    op.drop_index(op.f('ix_implementation_updates_implementation_id'), table_name='implementation_updates')
    op.drop_table('implementation_updates')
    op.drop_index(op.f('ix_initiative_terms_proposal_id'), table_name='initiative_terms')
    op.drop_table('initiative_terms')
    op.drop_index(op.f('ix_implementations_edition_id'), table_name='implementations')
    op.drop_index(op.f('ix_implementations_department_code'), table_name='implementations')
    op.drop_table('implementations')
