"""the city's districts: the only names a resident's district can take

The list starts from the districts the street register and the census already name; what residents typed
into the old free-text field is not copied (that is how "dab" became a district of its own).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 08:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('districts',
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.Column('added_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
                    sa.PrimaryKeyConstraint('name'))
    op.execute("INSERT INTO districts (name) SELECT DISTINCT district FROM street_districts "
               "UNION SELECT DISTINCT district FROM census_entries ON CONFLICT DO NOTHING")


def downgrade() -> None:
    op.drop_table('districts')
