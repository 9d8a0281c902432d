"""census entries keep the birth date their PESEL encodes, for aggregated counts only (eligible residents per
district and age band on a voting day); the PESEL itself is still only a keyed hash

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("census_entries", sa.Column("birth_date", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("census_entries", "birth_date")
