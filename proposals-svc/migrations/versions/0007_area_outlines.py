"""areas: their outline on the map (GeoJSON Polygon or MultiPolygon)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('areas', sa.Column('outline', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column('areas', 'outline')
