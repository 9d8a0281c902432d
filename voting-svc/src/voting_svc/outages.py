"""The outage ledger: when ballots could not be cast, from voting-svc's own checks of its vote path (issue 26, 4).

Cities extend voting by hand after an outage, with nothing to show residents what happened. The ledger is what the
coordinator sees and extends by. The voting worker checks, every PROBE_EVERY_S, what a ballot needs to be
acknowledged: voting-svc's database answers, and every partition of the vote log has a leader and at least
`min.insync.replicas` copies in sync (so that an acks=all append can succeed). A failed check opens an outage,
the next good one closes it and announces it (`voting.outage_ended`, per edition whose voting it fell in: where
the frozen rules say so, proposals-svc extends voting by its length). While the database itself is away nothing
can be written: the outage is kept in memory and written, with its start, when the database answers again.

The checks see what stops every ballot. A single web process that dies is the load balancer's to route around
(and the vote path's claims settle what it held, voting.py); it is not an outage of the edition.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from glos_chassis.events import new_event
from glos_chassis.outbox import add_to_outbox

from .models import BallotView, EditionClosure, VotePathOutage, outbox

log = logging.getLogger(__name__)

PROBE_EVERY_S = 10.0


def check_vote_path(engine, admin, vote_log_topic: str) -> str | None:
    """None if a ballot can be acknowledged now; otherwise why not (a short cause, never a stack trace)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database: {type(exc).__name__}"
    try:
        topic = admin.describe_topics([vote_log_topic])[0]
        configs = admin.describe_configs([_topic_config(vote_log_topic)], config_filter="all")
        min_isr = int(configs["topic"][vote_log_topic]["min.insync.replicas"]["value"])
    except Exception as exc:
        return f"vote log: {type(exc).__name__}"
    if topic.get("error_code") or not topic.get("partitions"):
        return "vote log: the topic is not available"
    for partition in topic["partitions"]:
        if partition.get("leader_id", -1) < 0:
            return f"vote log: partition {partition['partition_index']} has no leader"
        if len(partition.get("isr_nodes") or []) < min_isr:
            return (f"vote log: partition {partition['partition_index']} has {len(partition['isr_nodes'])} "
                    f"in-sync copies of the {min_isr} a ballot needs")
    return None


def _topic_config(name: str):
    from kafka.admin import ConfigResource, ConfigResourceType

    return ConfigResource(ConfigResourceType.TOPIC, name, ["min.insync.replicas"])


class Ledger:
    """One worker's view of the vote path between its checks; writes outages to the database."""

    def __init__(self, session_factory):
        self.session_factory = session_factory
        self.down_since: datetime | None = None
        self.cause: str | None = None
        self.written = False  # whether the open outage is in the database yet

    def observe(self, cause: str | None, at: datetime | None = None) -> None:
        at = at or datetime.now(UTC)
        if cause is not None and self.down_since is None:
            self.down_since, self.cause, self.written = at, cause, False
            log.warning("the vote path is down since %s: %s", at.isoformat(), cause)
        try:
            with self.session_factory() as session, session.begin():
                if self.down_since is not None and not self.written:
                    # one open outage at a time whichever worker saw it first (the partial unique index)
                    session.execute(text("""
                        INSERT INTO vote_path_outages (id, started_at, cause) VALUES (:id, :at, :cause)
                        ON CONFLICT DO NOTHING"""), {"id": uuid.uuid4(), "at": self.down_since, "cause": self.cause})
                    self.written = True
                if cause is None:
                    closed = session.execute(text("""
                        UPDATE vote_path_outages SET ended_at = :at WHERE ended_at IS NULL RETURNING started_at"""),
                        {"at": at}).first()
                    if closed is not None:
                        log.warning("the vote path is back at %s", at.isoformat())
                        announce_outage(session, closed.started_at, at)
                    self.down_since, self.cause, self.written = None, None, False
        except Exception as exc:  # the database is away: what was seen stays in memory for the next check
            self.written = False
            log.warning("the outage ledger could not be written now: %s", type(exc).__name__)


def announce_outage(session: Session, started_at: datetime, ended_at: datetime) -> None:
    """`voting.outage_ended` for every edition whose voting it fell in (published, not closed), with its length
    within that voting: proposals-svc extends voting by it where the edition's frozen rules say so."""
    open_editions = session.execute(select(BallotView.edition_id, BallotView.frozen_at).where(
        ~select(EditionClosure.edition_id).where(EditionClosure.edition_id == BallotView.edition_id).exists(),
        BallotView.frozen_at < ended_at)).all()
    for edition_id, frozen_at in open_editions:
        seconds = int((ended_at - max(started_at, frozen_at)).total_seconds())
        add_to_outbox(session, outbox, "voting.events", new_event(
            "voting.outage_ended", str(edition_id), source="voting-svc", data={
                "edition_id": str(edition_id), "started_at": started_at.isoformat(), "ended_at": ended_at.isoformat(),
                "seconds": seconds}))


def for_edition(session: Session, edition_id: uuid.UUID) -> dict:
    """The outages that overlap the edition's voting (from its published ballot to its close, or now), each with
    its length within that window, and their total."""
    ballot = session.get(BallotView, edition_id)
    closure = session.get(EditionClosure, edition_id)
    now = datetime.now(UTC)
    opened = ballot.frozen_at if ballot is not None and ballot.frozen_at else None
    until = closure.closed_at if closure is not None else now
    query = select(VotePathOutage).order_by(VotePathOutage.started_at)
    if opened is not None:
        query = query.where((VotePathOutage.ended_at.is_(None)) | (VotePathOutage.ended_at > opened))
    query = query.where(VotePathOutage.started_at < until)
    rows = []
    for outage in session.scalars(query):
        start = max(outage.started_at, opened) if opened else outage.started_at
        end = min(outage.ended_at or now, until)
        rows.append({"started_at": outage.started_at, "ended_at": outage.ended_at, "cause": outage.cause,
                     "seconds": max(0, int((end - start).total_seconds())), "ongoing": outage.ended_at is None})
    return {"edition_id": edition_id, "voting_from": opened, "voting_until": closure.closed_at if closure else None,
            "outages": rows, "total_seconds": sum(r["seconds"] for r in rows)}
