"""residents, eligibility, audit, issued credentials

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:57:10.085092
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
    op.create_table('edition_eligibility',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('voting_day', sa.Date(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('guardian_consent_under', sa.Integer(), nullable=True),
    sa.Column('residency', sa.String(length=20), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_edition_eligibility'))
    )
    op.create_table('issued_credentials',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_credentials'))
    )
    op.create_index(op.f('ix_issued_credentials_edition_id'), 'issued_credentials', ['edition_id'], unique=False)
    op.create_index(op.f('ix_issued_credentials_voter_key'), 'issued_credentials', ['voter_key'], unique=False)
    op.create_table('residents',
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('pesel_hash', sa.String(length=64), nullable=False),
    sa.Column('pesel_encrypted', sa.Text(), nullable=False),
    sa.Column('first_name_encrypted', sa.Text(), nullable=False),
    sa.Column('last_name_encrypted', sa.Text(), nullable=False),
    sa.Column('address_encrypted', sa.Text(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('verification_level', sa.String(length=20), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('verified_by', sa.String(length=64), nullable=True),
    sa.Column('verification_method', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_residents_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_residents')),
    sa.UniqueConstraint('pesel_hash', name=op.f('uq_residents_pesel_hash'))
    )


def downgrade() -> None:
    op.drop_table('residents')
    op.drop_index(op.f('ix_issued_credentials_voter_key'), table_name='issued_credentials')
    op.drop_index(op.f('ix_issued_credentials_edition_id'), table_name='issued_credentials')
    op.drop_table('issued_credentials')
    op.drop_table('edition_eligibility')
    op.drop_table('audit_log')
