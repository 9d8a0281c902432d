"""voting extensions as voting-svc keeps them for the results document

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'voting_extension_views',
        sa.Column('event_id', sa.UUID(), nullable=False),
        sa.Column('edition_id', sa.UUID(), nullable=False),
        sa.Column('previous_ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index('ix_voting_extension_views_edition_id', 'voting_extension_views', ['edition_id'])


def downgrade() -> None:
    op.drop_index('ix_voting_extension_views_edition_id', table_name='voting_extension_views')
    op.drop_table('voting_extension_views')
