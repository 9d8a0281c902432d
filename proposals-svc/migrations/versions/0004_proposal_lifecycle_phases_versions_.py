"""proposal lifecycle: phases, versions, support, reviews, changes, appeals, conflicts, lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:01:36.491330
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('departments',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_departments'))
    )
    op.create_table('resident_views',
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_resident_views'))
    )
    op.create_table('edition_phases',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('phase', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_edition_phases_edition_id_editions')),
    sa.PrimaryKeyConstraint('edition_id', 'phase', name=op.f('pk_edition_phases'))
    )
    op.create_table('list_publications',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('lists', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_list_publications_edition_id_editions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_publications'))
    )
    op.create_index(op.f('ix_list_publications_edition_id'), 'list_publications', ['edition_id'], unique=False)
    op.create_table('appeals',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('filed_by', sa.String(length=64), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_appeals_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    op.create_index(op.f('ix_appeals_proposal_id'), 'appeals', ['proposal_id'], unique=False)
    op.create_table('attachments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_attachments_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_index(op.f('ix_attachments_proposal_id'), 'attachments', ['proposal_id'], unique=False)
    op.create_table('change_requests',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('respond_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.Column('resulting_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_change_requests_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests'))
    )
    op.create_index(op.f('ix_change_requests_proposal_id'), 'change_requests', ['proposal_id'], unique=False)
    op.create_table('conflicts',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('proposal_a', sa.UUID(), nullable=False),
    sa.Column('proposal_b', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('proposal_a < proposal_b', name=op.f('ck_conflicts_ordered_pair')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_conflicts_edition_id_editions')),
    sa.ForeignKeyConstraint(['proposal_a'], ['proposals.id'], name=op.f('fk_conflicts_proposal_a_proposals')),
    sa.ForeignKeyConstraint(['proposal_b'], ['proposals.id'], name=op.f('fk_conflicts_proposal_b_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('proposal_a', 'proposal_b', 'kind', name=op.f('uq_conflicts_proposal_a'))
    )
    op.create_index(op.f('ix_conflicts_edition_id'), 'conflicts', ['edition_id'], unique=False)
    op.create_table('proposal_versions',
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('proposal_id', 'version', name=op.f('pk_proposal_versions'))
    )
    op.create_table('reviews',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('department_code', sa.String(length=40), nullable=True),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('findings', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_reviews_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    op.create_index(op.f('ix_reviews_proposal_id'), 'reviews', ['proposal_id'], unique=False)
    op.create_table('supports',
    sa.Column('proposal_id', sa.UUID(), nullable=False),
    sa.Column('supporter_ref', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_supports_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('proposal_id', 'supporter_ref', name=op.f('pk_supports'))
    )
    op.add_column('editions', sa.Column('current_phase', sa.String(length=40), server_default='preparation', nullable=False))
    op.add_column('editions', sa.Column('phase_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('editions', sa.Column('settings', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.add_column('proposals', sa.Column('justification', sa.Text(), server_default='', nullable=False))
    op.add_column('proposals', sa.Column('category', sa.String(length=100), nullable=True))
    op.add_column('proposals', sa.Column('location_address', sa.String(length=300), nullable=True))
    op.add_column('proposals', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('proposals', sa.Column('longitude', sa.Float(), nullable=True))
    op.add_column('proposals', sa.Column('cost_items', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False))
    op.add_column('proposals', sa.Column('beneficiaries', sa.Text(), server_default='', nullable=False))
    op.add_column('proposals', sa.Column('universal_design', sa.Text(), server_default='', nullable=False))
    op.add_column('proposals', sa.Column('coauthors', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False))
    op.add_column('proposals', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('proposals', sa.Column('department_code', sa.String(length=40), nullable=True))
    op.add_column('proposals', sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('proposals', sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('proposals', sa.Column('rejection_stage', sa.String(length=20), nullable=True))
    op.add_column('proposals', sa.Column('rejection_reason', sa.Text(), nullable=True))
    op.add_column('proposals', sa.Column('city_cost_estimate', sa.BigInteger(), nullable=True))
    op.create_index(op.f('ix_proposals_department_code'), 'proposals', ['department_code'], unique=False)
    op.create_foreign_key(op.f('fk_proposals_department_code_departments'), 'proposals', 'departments', ['department_code'], ['code'])
    # a draft has no cost yet: zero is allowed from now on
    op.drop_constraint(op.f('ck_proposals_cost_positive'), 'proposals', type_='check')
    op.create_check_constraint(op.f('ck_proposals_cost_not_negative'), 'proposals', 'cost >= 0')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_proposals_cost_not_negative'), 'proposals', type_='check')
    op.create_check_constraint(op.f('ck_proposals_cost_positive'), 'proposals', 'cost > 0')
    op.drop_constraint(op.f('fk_proposals_department_code_departments'), 'proposals', type_='foreignkey')
    op.drop_index(op.f('ix_proposals_department_code'), table_name='proposals')
    op.drop_column('proposals', 'city_cost_estimate')
    op.drop_column('proposals', 'rejection_reason')
    op.drop_column('proposals', 'rejection_stage')
    op.drop_column('proposals', 'decided_at')
    op.drop_column('proposals', 'submitted_at')
    op.drop_column('proposals', 'department_code')
    op.drop_column('proposals', 'version')
    op.drop_column('proposals', 'coauthors')
    op.drop_column('proposals', 'universal_design')
    op.drop_column('proposals', 'beneficiaries')
    op.drop_column('proposals', 'cost_items')
    op.drop_column('proposals', 'longitude')
    op.drop_column('proposals', 'latitude')
    op.drop_column('proposals', 'location_address')
    op.drop_column('proposals', 'category')
    op.drop_column('proposals', 'justification')
    op.drop_column('editions', 'settings')
    op.drop_column('editions', 'phase_changed_at')
    op.drop_column('editions', 'current_phase')
    op.drop_table('supports')
    op.drop_index(op.f('ix_reviews_proposal_id'), table_name='reviews')
    op.drop_table('reviews')
    op.drop_table('proposal_versions')
    op.drop_index(op.f('ix_conflicts_edition_id'), table_name='conflicts')
    op.drop_table('conflicts')
    op.drop_index(op.f('ix_change_requests_proposal_id'), table_name='change_requests')
    op.drop_table('change_requests')
    op.drop_index(op.f('ix_attachments_proposal_id'), table_name='attachments')
    op.drop_table('attachments')
    op.drop_index(op.f('ix_appeals_proposal_id'), table_name='appeals')
    op.drop_table('appeals')
    op.drop_index(op.f('ix_list_publications_edition_id'), table_name='list_publications')
    op.drop_table('list_publications')
    op.drop_table('edition_phases')
    op.drop_table('resident_views')
    op.drop_table('departments')
