"""paper cards, ballot records, closure, audit, receipts root

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:00:57.976742
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
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
    op.create_table('ballot_records',
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_ballot_records'))
    )
    op.create_index(op.f('ix_ballot_records_edition_id'), 'ballot_records', ['edition_id'], unique=False)
    op.create_table('edition_closures',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_edition_closures'))
    )
    op.create_table('paper_cards',
    sa.Column('edition_id', sa.UUID(), nullable=False),
    sa.Column('card_number', sa.String(length=40), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('age', sa.Integer(), nullable=False),
    sa.Column('verification_level', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('entries', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('invalid_reason', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('receipt', sa.String(length=64), nullable=True),
    sa.Column('handed_out_by', sa.String(length=64), nullable=False),
    sa.Column('handed_out_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', 'card_number', name=op.f('pk_paper_cards')),
    sa.UniqueConstraint('edition_id', 'voter_key', name='uq_paper_cards_voter')
    )
    op.create_index(op.f('ix_paper_cards_status'), 'paper_cards', ['status'], unique=False)
    op.add_column('results', sa.Column('receipts_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('results', sa.Column('receipts_root', sa.String(length=64), server_default='', nullable=False))
    op.add_column('votes', sa.Column('status', sa.String(length=20), server_default='counted', nullable=False))
    # ballots tallied before this revision were each a voter's first: counted
    op.execute("INSERT INTO ballot_records (receipt, edition_id, voter_key, channel, cast_at, status) "
               "SELECT receipt, edition_id, voter_key, channel, cast_at, 'counted' FROM votes")


def downgrade() -> None:
    op.drop_column('votes', 'status')
    op.drop_column('results', 'receipts_root')
    op.drop_column('results', 'receipts_count')
    op.drop_index(op.f('ix_paper_cards_status'), table_name='paper_cards')
    op.drop_table('paper_cards')
    op.drop_table('edition_closures')
    op.drop_index(op.f('ix_ballot_records_edition_id'), table_name='ballot_records')
    op.drop_table('ballot_records')
    op.drop_table('audit_log')
