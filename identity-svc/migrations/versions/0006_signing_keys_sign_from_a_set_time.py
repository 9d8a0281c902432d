"""signing keys sign from a set time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 04:16:00.891995
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('signing_keys', sa.Column('signs_from', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False))


def downgrade() -> None:
    op.drop_column('signing_keys', 'signs_from')
