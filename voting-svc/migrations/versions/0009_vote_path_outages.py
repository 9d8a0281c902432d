"""the outage ledger: intervals in which the vote path could not acknowledge ballots

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 15:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'vote_path_outages',
        sa.Column('id', sa.UUID(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cause', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ux_vote_path_outages_open', 'vote_path_outages', [sa.text('(ended_at IS NULL)')], unique=True,
                    postgresql_where=sa.text('ended_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ux_vote_path_outages_open', table_name='vote_path_outages')
    op.drop_table('vote_path_outages')
