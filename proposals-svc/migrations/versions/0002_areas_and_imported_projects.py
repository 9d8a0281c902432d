"""areas and imported projects

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:31:49.908989
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('areas',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('max_project_cost', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('budget > 0', name=op.f('ck_areas_budget_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_areas_edition_id_editions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('edition_id', 'name', name=op.f('uq_areas_edition_id'))
    )
    op.create_index(op.f('ix_areas_edition_id'), 'areas', ['edition_id'], unique=False)
    op.add_column('proposals', sa.Column('area_id', sa.UUID(), nullable=True))
    op.add_column('proposals', sa.Column('external_id', sa.String(length=100), nullable=True))
    op.create_index(op.f('ix_proposals_area_id'), 'proposals', ['area_id'], unique=False)
    op.create_unique_constraint(op.f('uq_proposals_edition_id'), 'proposals', ['edition_id', 'external_id'])
    op.create_foreign_key(op.f('fk_proposals_area_id_areas'), 'proposals', 'areas', ['area_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_proposals_area_id_areas'), 'proposals', type_='foreignkey')
    op.drop_constraint(op.f('uq_proposals_edition_id'), 'proposals', type_='unique')
    op.drop_index(op.f('ix_proposals_area_id'), table_name='proposals')
    op.drop_column('proposals', 'external_id')
    op.drop_column('proposals', 'area_id')
    op.drop_index(op.f('ix_areas_edition_id'), table_name='areas')
    op.drop_table('areas')
