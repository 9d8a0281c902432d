"""results

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:16:00.121568
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('results',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('document', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_results'))
    )


def downgrade() -> None:
    op.drop_table('results')
