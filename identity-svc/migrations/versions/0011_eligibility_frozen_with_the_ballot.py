"""eligibility rules frozen with the ballot: the SHA-256 of the voting rules they came with

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 02:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('edition_eligibility', sa.Column('rules_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('edition_eligibility', 'rules_sha256')
