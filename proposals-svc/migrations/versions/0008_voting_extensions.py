"""voting extensions: voting extended past its scheduled end, with the reason

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'voting_extensions',
        sa.Column('id', sa.UUID(), nullable=False),
        sa.Column('edition_id', sa.UUID(), nullable=False),
        sa.Column('previous_ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('outage_seconds', sa.Integer(), nullable=True),
        sa.Column('extended_by', sa.String(length=64), nullable=False),
        sa.Column('extended_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_voting_extensions_edition_id', 'voting_extensions', ['edition_id'])


def downgrade() -> None:
    op.drop_index('ix_voting_extensions_edition_id', table_name='voting_extensions')
    op.drop_table('voting_extensions')
