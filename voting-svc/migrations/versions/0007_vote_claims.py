"""vote claims: who has voted is decided in PostgreSQL, not in Redis

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 01:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'vote_claims',
        sa.Column('edition_id', sa.UUID(), nullable=False),
        sa.Column('voter_key', sa.String(length=64), nullable=False),
        sa.Column('receipt', sa.String(length=64), nullable=False),
        sa.Column('idempotency_key', sa.String(length=100), nullable=True),
        sa.Column('ballot_sha256', sa.String(length=64), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'),
                  nullable=False),
        sa.Column('earlier', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"),
                  nullable=False),
        sa.Column('previous', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'accepted', 'voided')", name=op.f('ck_vote_claims_state')),
        sa.PrimaryKeyConstraint('edition_id', 'voter_key', name=op.f('pk_vote_claims')),
    )
    op.create_index('ix_vote_claims_pending', 'vote_claims', ['claimed_at'], postgresql_where=sa.text("state = 'pending'"))
    # Ballots cast before this table: their standing in the tally is their claim (the idempotency key of
    # those requests is not known any more, so a re-send of one is answered "already voted").
    op.execute("""
        INSERT INTO vote_claims (edition_id, voter_key, receipt, channel, cast_at, state)
        SELECT edition_id, voter_key, receipt, channel, cast_at,
               CASE WHEN status = 'invalid' THEN 'voided' ELSE 'accepted' END FROM votes
        ON CONFLICT DO NOTHING""")


def downgrade() -> None:
    op.drop_index('ix_vote_claims_pending', table_name='vote_claims')
    op.drop_table('vote_claims')
