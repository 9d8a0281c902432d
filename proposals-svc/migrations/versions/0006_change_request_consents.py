"""change requests: the consents of every applicant concerned (merges)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 10:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('change_requests', sa.Column('consents', postgresql.JSONB(astext_type=sa.Text()),
                                               server_default='{}', nullable=False))


def downgrade() -> None:
    op.drop_column('change_requests', 'consents')
