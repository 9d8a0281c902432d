"""turnout by age band: voters per area and age band, counted by the tally

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 14:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'age_band_turnout',
        sa.Column('edition_id', sa.UUID(), nullable=False),
        sa.Column('area_id', sa.UUID(), nullable=False),
        sa.Column('age_band', sa.String(length=8), nullable=False),
        sa.Column('voters', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('edition_id', 'area_id', 'age_band'),
    )


def downgrade() -> None:
    op.drop_table('age_band_turnout')
