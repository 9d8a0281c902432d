"""census lists

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:13:49.122368
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('census_lists',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('accepted_rows', sa.Integer(), nullable=False),
    sa.Column('rejected_rows', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_lists'))
    )
    op.create_table('census_entries',
    sa.Column('list_id', sa.UUID(), nullable=False),
    sa.Column('pesel_hash', sa.String(length=64), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['census_lists.id'], name=op.f('fk_census_entries_list_id_census_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'pesel_hash', name=op.f('pk_census_entries'))
    )


def downgrade() -> None:
    op.drop_table('census_entries')
    op.drop_table('census_lists')
