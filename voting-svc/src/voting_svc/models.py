"""voting-svc's tables. Editions and projects here are a projection of proposals-svc's events, never a copy
of its database."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, false, func, text)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from glos_chassis.audit import AuditEntryMixin
from glos_chassis.consumer import define_processed_events_table
from glos_chassis.db import declarative_base
from glos_chassis.outbox import define_outbox_table

Base = declarative_base()
outbox = define_outbox_table(Base.metadata)
processed_events = define_processed_events_table(Base.metadata)


class EditionView(Base):
    __tablename__ = "edition_views"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class ProjectView(Base):
    __tablename__ = "project_views"

    proposal_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("edition_views.edition_id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger)


class BallotView(Base):
    """An edition's ballot as published by proposals-svc: per area the qualified projects, and the frozen
    rules with their SHA-256 (checked on arrival)."""

    __tablename__ = "ballot_views"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    rules: Mapped[dict] = mapped_column(JSONB)
    rules_sha256: Mapped[str] = mapped_column(String(64))
    areas: Mapped[list] = mapped_column(JSONB)
    frozen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Vote(Base):
    """A voter's standing in an edition: at most one per voter key (the primary key guarantees it), holding
    the ballot that counts — or `invalid` when the edition's rule voids all of that person's ballots."""

    __tablename__ = "votes"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), server_default="counted")
    channel: Mapped[str] = mapped_column(String(20))
    parts: Mapped[list] = mapped_column(JSONB)
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VoteClaim(Base):
    """Who has voted, as the vote path answers it: one row per voter key per edition, inserted before the
    ballot is appended to the vote log and marked `accepted` once the log acknowledged it — the durable
    record behind every receipt (`voting.py`). `earlier` keeps, under re-voting, the ballots this one replaced
    (by idempotency key) so that their late re-sends get their own receipts; `previous`, the ballot a pending
    re-vote would replace, to fall back to if that re-vote never reached the log."""

    __tablename__ = "vote_claims"
    __table_args__ = (CheckConstraint("state IN ('pending', 'accepted', 'voided')", name="state"),
                      Index("ix_vote_claims_pending", "claimed_at", postgresql_where=text("state = 'pending'")))

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    receipt: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ballot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.clock_timestamp())
    earlier: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    previous: Mapped[dict | None] = mapped_column(JSONB, nullable=True)


class ProjectTally(Base):
    __tablename__ = "project_tallies"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    area_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    voters: Mapped[int] = mapped_column(Integer, default=0)


class AreaTurnout(Base):
    __tablename__ = "area_turnout"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    area_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    voters: Mapped[int] = mapped_column(Integer, default=0)


class AgeBandTurnout(Base):
    """Voters per area by age band on the voting day (`glos_chassis.age_bands`), counted by the tally from the
    band each ballot's credential carried. Counts only: no ballot record keeps a band, and the export has none."""

    __tablename__ = "age_band_turnout"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    area_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    voters: Mapped[int] = mapped_column(Integer, default=0)


class VotingExtensionView(Base):
    """Voting extended past its scheduled end (proposals-svc's `voting.extended`): part of the results document,
    so what residents were told stays with the count."""

    __tablename__ = "voting_extension_views"

    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    previous_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(1000))


class VotePathOutage(Base):
    """An interval in which the vote path could not acknowledge ballots, as the worker's checks saw it
    (outages.py); at most one open (ended_at NULL) at a time."""

    __tablename__ = "vote_path_outages"
    __table_args__ = (Index("ux_vote_path_outages_open", text("(ended_at IS NULL)"), unique=True,
                            postgresql_where=text("ended_at IS NULL")),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cause: Mapped[str] = mapped_column(String(300))


class ResultsDocument(Base):
    """The published results of an edition: one JSON document, hashed, never changed."""

    __tablename__ = "results"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    document: Mapped[dict] = mapped_column(JSONB)
    sha256: Mapped[str] = mapped_column(String(64))
    receipts_count: Mapped[int] = mapped_column(Integer, server_default="0")
    receipts_root: Mapped[str] = mapped_column(String(64), server_default="")
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BallotRecord(Base):
    """Every ballot the vote log accepted, with what became of it: `counted`, `superseded` (re-voting),
    `not_counted` (the person had already voted), `invalid` (voided by the edition's rule) or `late`.
    Receipts are the leaves of the Merkle tree published with the results."""

    __tablename__ = "ballot_records"

    receipt: Mapped[str] = mapped_column(String(64), primary_key=True)
    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Marked by the same statement that reads the receipts for the published root, so the proofs are built
    # from exactly that set — a ballot recorded later (late, after the close) is not under the root.
    under_root: Mapped[bool] = mapped_column(Boolean, server_default=false())


class EditionClosure(Base):
    """Voting closed: no online ballot and no new paper card after `closed_at`."""

    __tablename__ = "edition_closures"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_by: Mapped[str] = mapped_column(String(64))


class PaperCard(Base):
    """A paper ballot card handed out at a voting point, bound to the voter key of the credential the
    official requested on the voter's behalf, then keyed twice by two officials (`entries`)."""

    __tablename__ = "paper_cards"
    __table_args__ = (UniqueConstraint("edition_id", "voter_key", name="uq_paper_cards_voter"),)

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    card_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    district: Mapped[str] = mapped_column(String(100))
    age: Mapped[int] = mapped_column(Integer)
    verification_level: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    entries: Mapped[list] = mapped_column(JSONB, default=list)
    invalid_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handed_out_by: Mapped[str] = mapped_column(String(64))
    handed_out_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class AuditEntry(AuditEntryMixin, Base):
    """Staff actions in voting-svc: paper cards, the close, the results (who, when, what, why)."""

    __tablename__ = "audit_log"
