"""street register

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 04:24:54.891436
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('street_districts',
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('street', name=op.f('pk_street_districts'))
    )


def downgrade() -> None:
    op.drop_table('street_districts')
