"""consultations: surveys, comments, moderation, meetings, remarks, reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:31:36.750978
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('banned_words',
    sa.Column('stem', sa.String(length=100), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('stem', name=op.f('pk_banned_words'))
    )
    op.create_table('resident_views',
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_resident_views'))
    )
    op.create_table('consultation_moderators',
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('assigned_by', sa.String(length=64), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_moderators_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('consultation_id', 'account_id', name=op.f('pk_consultation_moderators'))
    )
    op.create_table('documents',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_documents_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    op.create_index(op.f('ix_documents_consultation_id'), 'documents', ['consultation_id'], unique=False)
    op.create_table('meetings',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('online_link', sa.String(length=500), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_added_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_meetings_capacity_positive')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_meetings_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    op.create_index(op.f('ix_meetings_consultation_id'), 'meetings', ['consultation_id'], unique=False)
    op.create_table('questions',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('spec', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('condition', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_questions_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('consultation_id', 'code', name=op.f('uq_questions_consultation_id'))
    )
    op.create_index(op.f('ix_questions_consultation_id'), 'questions', ['consultation_id'], unique=False)
    op.create_table('remarks',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=64), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_remarks_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remarks')),
    sa.UniqueConstraint('consultation_id', 'kind', 'source', name=op.f('uq_remarks_consultation_id'))
    )
    op.create_index(op.f('ix_remarks_consultation_id'), 'remarks', ['consultation_id'], unique=False)
    op.create_table('report_versions',
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_report_versions_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('consultation_id', 'version', name=op.f('pk_report_versions'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('respondent', sa.String(length=64), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('answers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_survey_responses_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    op.create_index(op.f('ix_survey_responses_consultation_id'), 'survey_responses', ['consultation_id'], unique=False)
    op.create_index('uq_survey_responses_respondent', 'survey_responses', ['consultation_id', 'respondent'], unique=True, postgresql_where=sa.text('respondent IS NOT NULL'))
    op.create_table('comments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('consultation_id', sa.UUID(), nullable=False),
    sa.Column('document_id', sa.UUID(), nullable=False),
    sa.Column('section_anchor', sa.String(length=50), nullable=True),
    sa.Column('section_version', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.UUID(), nullable=True),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_for', sa.String(length=200), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('moderator_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_comments_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_comments_document_id_documents')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    op.create_index(op.f('ix_comments_consultation_id'), 'comments', ['consultation_id'], unique=False)
    op.create_table('registrations',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('meeting_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_registrations_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations'))
    )
    op.create_index(op.f('ix_registrations_meeting_id'), 'registrations', ['meeting_id'], unique=False)
    op.create_index('uq_registrations_active', 'registrations', ['meeting_id', 'account_id'], unique=True, postgresql_where=sa.text("status <> 'cancelled'"))
    op.create_table('sections',
    sa.Column('document_id', sa.UUID(), nullable=False),
    sa.Column('anchor', sa.String(length=50), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_sections_document_id_documents')),
    sa.PrimaryKeyConstraint('document_id', 'anchor', 'version', name=op.f('pk_sections'))
    )
    op.create_table('comment_flags',
    sa.Column('comment_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_flags_comment_id_comments')),
    sa.PrimaryKeyConstraint('comment_id', 'account_id', name=op.f('pk_comment_flags'))
    )
    op.create_table('comment_reactions',
    sa.Column('comment_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reactions_comment_id_comments')),
    sa.PrimaryKeyConstraint('comment_id', 'account_id', name=op.f('pk_comment_reactions'))
    )
    op.add_column('consultations', sa.Column('description', sa.Text(), server_default='', nullable=False))
    op.add_column('consultations', sa.Column('scope_districts', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False))
    op.add_column('consultations', sa.Column('forms', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False))
    op.add_column('consultations', sa.Column('participation', sa.String(length=30), server_default='residents_in_scope', nullable=False))
    op.add_column('consultations', sa.Column('department', sa.String(length=100), server_default='', nullable=False))
    op.add_column('consultations', sa.Column('moderation', sa.String(length=10), server_default='post', nullable=False))
    op.add_column('consultations', sa.Column('flag_threshold', sa.Integer(), server_default='3', nullable=False))
    op.add_column('consultations', sa.Column('responses_editable', sa.Boolean(), server_default='true', nullable=False))
    op.add_column('consultations', sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('consultations', sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('consultations', sa.Column('created_by', sa.String(length=64), server_default='', nullable=False))

    _seed_banned_words()


def _seed_banned_words() -> None:
    """The Polish vulgarity list that ships with the project (editable afterwards through the API)."""
    from importlib.resources import files

    listing = files("consultation_svc").joinpath("data/wulgaryzmy.txt").read_text(encoding="utf-8")
    stems = sorted({line.strip().lower() for line in listing.splitlines() if line.strip() and not line.startswith("#")})
    table = sa.table("banned_words", sa.column("stem", sa.String), sa.column("added_by", sa.String))
    op.bulk_insert(table, [{"stem": stem, "added_by": "glos:initial-list"} for stem in stems])


def downgrade() -> None:
    op.drop_column('consultations', 'created_by')
    op.drop_column('consultations', 'closes_at')
    op.drop_column('consultations', 'opens_at')
    op.drop_column('consultations', 'responses_editable')
    op.drop_column('consultations', 'flag_threshold')
    op.drop_column('consultations', 'moderation')
    op.drop_column('consultations', 'department')
    op.drop_column('consultations', 'participation')
    op.drop_column('consultations', 'forms')
    op.drop_column('consultations', 'scope_districts')
    op.drop_column('consultations', 'description')
    op.drop_table('comment_reactions')
    op.drop_table('comment_flags')
    op.drop_table('sections')
    op.drop_index('uq_registrations_active', table_name='registrations', postgresql_where=sa.text("status <> 'cancelled'"))
    op.drop_index(op.f('ix_registrations_meeting_id'), table_name='registrations')
    op.drop_table('registrations')
    op.drop_index(op.f('ix_comments_consultation_id'), table_name='comments')
    op.drop_table('comments')
    op.drop_index('uq_survey_responses_respondent', table_name='survey_responses', postgresql_where=sa.text('respondent IS NOT NULL'))
    op.drop_index(op.f('ix_survey_responses_consultation_id'), table_name='survey_responses')
    op.drop_table('survey_responses')
    op.drop_table('report_versions')
    op.drop_index(op.f('ix_remarks_consultation_id'), table_name='remarks')
    op.drop_table('remarks')
    op.drop_index(op.f('ix_questions_consultation_id'), table_name='questions')
    op.drop_table('questions')
    op.drop_index(op.f('ix_meetings_consultation_id'), table_name='meetings')
    op.drop_table('meetings')
    op.drop_index(op.f('ix_documents_consultation_id'), table_name='documents')
    op.drop_table('documents')
    op.drop_table('consultation_moderators')
    op.drop_table('resident_views')
    op.drop_table('banned_words')
    op.drop_table('audit_log')
