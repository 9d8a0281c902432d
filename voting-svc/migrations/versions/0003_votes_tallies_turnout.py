"""votes, tallies, turnout

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:51:17.010660
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area_turnout',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('area_id', sa.UUID(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', 'area_id', 'channel', name=op.f('pk_area_turnout'))
    )
    op.create_table('project_tallies',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('area_id', sa.UUID(), nullable=False),
    sa.Column('project_id', sa.UUID(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', 'area_id', 'project_id', name=op.f('pk_project_tallies'))
    )
    op.create_table('votes',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('parts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', 'voter_key', name=op.f('pk_votes')),
    sa.UniqueConstraint('receipt', name=op.f('uq_votes_receipt'))
    )


def downgrade() -> None:
    op.drop_table('votes')
    op.drop_table('project_tallies')
    op.drop_table('area_turnout')
