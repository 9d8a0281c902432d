"""ballot records under the published root

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 03:20:04.338353
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('ballot_records', sa.Column('under_root', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    # results published before this column: their root was taken over the records there at publication
    op.execute("UPDATE ballot_records b SET under_root = true FROM results r "
               "WHERE r.edition_id = b.edition_id AND b.recorded_at <= r.published_at")


def downgrade() -> None:
    op.drop_column('ballot_records', 'under_root')
