"""The tally: a consumer group reads the vote log and keeps each voter key's standing per edition.

Runs inside the idempotent consumer's transaction: the ballot record, the voter's standing (primary key
edition + voter key), the turnout and the project counts are written together, and the offset is committed
after. What a later ballot of the same key does — replace, void, or nothing — is `standing.decide`, the same
rule the recount replays.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from dataclasses import dataclass, field

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis import metrics
from glos_chassis.events import Envelope

from . import standing
from .models import AgeBandTurnout, AreaTurnout, BallotRecord, BallotView, EditionClosure, ProjectTally, Vote

GROUP_ID = "voting-svc.tally"
TOPICS = ["voting.votes"]


class _VoteCast(Schema):
    class Meta:
        unknown = EXCLUDE

    receipt = fields.String(required=True)
    edition_id = fields.UUID(required=True)
    voter_key = fields.String(required=True)
    channel = fields.String(required=True)
    cast_at = fields.AwareDateTime(required=True)
    parts = fields.List(fields.Dict(), required=True)
    age_band = fields.String(load_default=None)  # absent from ballots logged before bands were counted


# one instance: building a schema (deep-copying its fields) for each of ~500 votes a second cost more than
# loading them
VOTE_CAST = _VoteCast()


@dataclass
class _Counts:
    """What ballots add to the tally's counters, gathered first and written with one statement per table."""

    turnout: Counter = field(default_factory=Counter)  # (edition, area, channel) → voters
    age_bands: Counter = field(default_factory=Counter)  # (edition, area, age band) → voters
    points: Counter = field(default_factory=Counter)  # (edition, area, project, "points" | "voters") → n

    def collect(self, edition_id, channel: str, parts: list[dict], sign: int, age_band: str | None) -> None:
        for part in parts:
            self.turnout[(edition_id, part["area_id"], channel)] += sign
            if age_band:
                self.age_bands[(edition_id, part["area_id"], age_band)] += sign
            for choice in part["choices"]:
                self.points[(edition_id, part["area_id"], choice["project_id"], "points")] += sign * choice["points"]
                self.points[(edition_id, part["area_id"], choice["project_id"], "voters")] += sign

    def apply(self, session: Session) -> None:
        """Counts added with one executemany upsert per table: the statement is the same whatever the number
        of rows, so SQLAlchemy compiles it once per process (a multi-row VALUES would compile anew for each
        row count), and psycopg sends the rows in a few round trips."""
        for table, key, counter in ((AreaTurnout.__table__, "channel", self.turnout),
                                    (AgeBandTurnout.__table__, "age_band", self.age_bands)):
            if counter:
                stmt = insert(table)
                session.execute(stmt.on_conflict_do_update(index_elements=["edition_id", "area_id", key],
                                                           set_={"voters": table.c.voters + stmt.excluded.voters}),
                                [{"edition_id": e, "area_id": a, key: k, "voters": n}
                                 for (e, a, k), n in counter.items()])
        projects = {(e, a, p) for (e, a, p, _) in self.points}
        if projects:
            table = ProjectTally.__table__
            stmt = insert(table)
            session.execute(stmt.on_conflict_do_update(
                index_elements=["edition_id", "area_id", "project_id"],
                set_={"points": table.c.points + stmt.excluded.points,
                      "voters": table.c.voters + stmt.excluded.voters}),
                [{"edition_id": e, "area_id": a, "project_id": p, "points": self.points[(e, a, p, "points")],
                  "voters": self.points[(e, a, p, "voters")]} for (e, a, p) in sorted(projects, key=str)])


def _add(session: Session, edition_id, channel: str, parts: list[dict], sign: int, age_band: str | None) -> None:
    """Add (sign=1) or take back (sign=-1) one ballot's turnout and points."""
    counts = _Counts()
    counts.collect(edition_id, channel, parts, sign, age_band)
    counts.apply(session)


def _record_row(vote: dict, status: str) -> dict:
    return {"receipt": vote["receipt"], "edition_id": vote["edition_id"], "voter_key": vote["voter_key"],
            "channel": vote["channel"], "cast_at": vote["cast_at"], "status": status}


# A poll's first ballots, written by one statement per table with the ballots' fields as arrays: the server
# inserts them in one go, and no ballot costs Python a row of parameters of its own (executemany did, ~20 µs
# a row and table on the last evening's hot path).
_FIRST_BALLOTS = text("""
    INSERT INTO votes (edition_id, voter_key, receipt, status, channel, parts, cast_at)
    SELECT u.edition_id, u.voter_key, u.receipt, 'counted', u.channel, CAST(u.parts AS jsonb), u.cast_at
    FROM unnest(CAST(:edition_ids AS uuid[]), CAST(:voter_keys AS text[]), CAST(:receipts AS text[]),
                CAST(:channels AS text[]), CAST(:parts AS text[]), CAST(:cast_ats AS timestamptz[]))
         AS u(edition_id, voter_key, receipt, channel, parts, cast_at)
    ON CONFLICT DO NOTHING
    RETURNING edition_id, voter_key""").columns(edition_id=Vote.__table__.c.edition_id.type,
                                                voter_key=Vote.__table__.c.voter_key.type)

_COUNTED_RECORDS = text("""
    INSERT INTO ballot_records (receipt, edition_id, voter_key, channel, cast_at, status)
    SELECT u.receipt, u.edition_id, u.voter_key, u.channel, u.cast_at, 'counted'
    FROM unnest(CAST(:receipts AS text[]), CAST(:edition_ids AS uuid[]), CAST(:voter_keys AS text[]),
                CAST(:channels AS text[]), CAST(:cast_ats AS timestamptz[]))
         AS u(receipt, edition_id, voter_key, channel, cast_at)
    ON CONFLICT DO NOTHING""")


def _columns(votes, *, parts: bool = False) -> dict:
    votes = list(votes)
    columns = {"edition_ids": [v["edition_id"] for v in votes], "voter_keys": [v["voter_key"] for v in votes],
               "receipts": [v["receipt"] for v in votes], "channels": [v["channel"] for v in votes],
               "cast_ats": [v["cast_at"] for v in votes]}
    if parts:
        columns["parts"] = [json.dumps(v["parts"], ensure_ascii=False) for v in votes]
    return columns


def _record(session: Session, vote: dict, status: str) -> None:
    session.execute(insert(BallotRecord.__table__).on_conflict_do_nothing(), [_record_row(vote, status)])


def _closures(session: Session, edition_ids) -> dict:
    return dict(session.execute(select(EditionClosure.edition_id, EditionClosure.closed_at)
                                .where(EditionClosure.edition_id.in_(set(edition_ids)))).all())


def _in_time(vote: dict, closed_at) -> bool:
    return closed_at is None or vote["cast_at"] <= closed_at


def on_vote_cast(session: Session, event: Envelope) -> None:
    on_votes_cast(session, [event])


def on_votes_cast(session: Session, events: list[Envelope]) -> None:
    """A poll's worth of votes, in log order. Voters' first ballots — nearly all of them on the last
    evening — are written with a few multi-row statements; any later ballot of a voter goes through
    `standing.decide` one by one, after the first ballots (which come before it in the log) are in."""
    votes = [VOTE_CAST.load(e.data) for e in events]
    closed = _closures(session, (v["edition_id"] for v in votes))
    candidates: dict[tuple, dict] = {}
    for vote in votes:
        if _in_time(vote, closed.get(vote["edition_id"])):
            candidates.setdefault((vote["edition_id"], vote["voter_key"]), vote)
    first = set()
    if candidates:
        first = {tuple(row) for row in session.execute(_FIRST_BALLOTS, _columns(candidates.values(), parts=True))}
    counted = [v for key, v in candidates.items() if key in first]
    if counted:
        session.execute(_COUNTED_RECORDS, _columns(counted))
        counts = _Counts()
        for v in counted:
            counts.collect(v["edition_id"], v["channel"], v["parts"], +1, v["age_band"])
        counts.apply(session)
    counted_receipts = {v["receipt"] for v in counted}
    for vote in votes:
        if vote["receipt"] not in counted_receipts:
            _later_ballot(session, vote, closed.get(vote["edition_id"]))
    now = datetime.now(UTC)
    for vote in votes:
        metrics.VOTE_TALLY_LAG.observe(max(0.0, (now - vote["cast_at"]).total_seconds()))


def _later_ballot(session: Session, vote: dict, closed_at) -> None:
    edition_id = vote["edition_id"]
    current = session.get(Vote, (edition_id, vote["voter_key"]), with_for_update=True)
    if current is not None and current.receipt == vote["receipt"]:
        return  # this very ballot, already counted
    rules = session.get(BallotView, edition_id).rules
    outcome = standing.decide(current and standing.Standing(current.status, current.channel), vote["channel"],
                              rules, cast_at=vote["cast_at"], closed_at=closed_at)
    # a later ballot comes with the same person's credential, hence the same age band as the one it replaces
    band = vote["age_band"]
    if outcome == standing.REPLACE:
        _add(session, edition_id, current.channel, current.parts, -1, band)
        session.query(BallotRecord).filter(BallotRecord.receipt == current.receipt).update({"status": "superseded"})
        current.receipt, current.parts, current.cast_at = vote["receipt"], vote["parts"], vote["cast_at"]
        _record(session, vote, "counted")
        _add(session, edition_id, vote["channel"], vote["parts"], +1, band)
    elif outcome == standing.VOID_ALL:
        _add(session, edition_id, current.channel, current.parts, -1, band)
        session.query(BallotRecord).filter(BallotRecord.receipt == current.receipt).update({"status": "invalid"})
        current.status = "invalid"
        _record(session, vote, "invalid")
    elif outcome == standing.COUNT:  # a late first ballot cannot get here; kept for completeness of decide
        session.add(Vote(**vote, status="counted"))
        _record(session, vote, "counted")
        _add(session, edition_id, vote["channel"], vote["parts"], +1, band)
    else:  # NOT_COUNTED, INVALID, LATE
        _record(session, vote, {standing.NOT_COUNTED: "not_counted", standing.INVALID: "invalid",
                                standing.LATE: "late"}[outcome])


HANDLERS = {"vote.cast": on_vote_cast}
