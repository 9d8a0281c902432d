"""voting rules and audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:41:30.761365
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.add_column('editions', sa.Column('voting_rules', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('editions', sa.Column('rules_frozen_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('editions', sa.Column('rules_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('editions', 'rules_sha256')
    op.drop_column('editions', 'rules_frozen_at')
    op.drop_column('editions', 'voting_rules')
    op.drop_table('audit_log')
