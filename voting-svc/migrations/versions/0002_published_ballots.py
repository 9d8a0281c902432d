"""published ballots

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:41:32.757693
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ballot_views',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('rules', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('rules_sha256', sa.String(length=64), nullable=False),
    sa.Column('areas', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_ballot_views'))
    )


def downgrade() -> None:
    op.drop_table('ballot_views')
