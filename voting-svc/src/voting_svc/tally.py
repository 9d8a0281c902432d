"""The tally: a consumer group reads the vote log and keeps each voter key's standing per edition.

Runs inside the idempotent consumer's transaction: the ballot record, the voter's standing (primary key
edition + voter key), the turnout and the project counts are written together, and the offset is committed
after. What a later ballot of the same key does — replace, void, or nothing — is `standing.decide`, the same
rule the recount replays.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.events import Envelope

from . import standing
from .models import AreaTurnout, BallotRecord, BallotView, EditionClosure, ProjectTally, Vote

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


def _add(session: Session, edition_id, channel: str, parts: list[dict], sign: int) -> None:
    """Add (sign=1) or take back (sign=-1) one ballot's turnout and points."""
    for part in parts:
        session.execute(insert(AreaTurnout).values(edition_id=edition_id, area_id=part["area_id"],
                                                   channel=channel, voters=sign)
                        .on_conflict_do_update(index_elements=["edition_id", "area_id", "channel"],
                                               set_={"voters": AreaTurnout.voters + sign}))
        for choice in part["choices"]:
            points = sign * choice["points"]
            session.execute(insert(ProjectTally).values(edition_id=edition_id, area_id=part["area_id"],
                                                        project_id=choice["project_id"], points=points,
                                                        voters=sign)
                            .on_conflict_do_update(index_elements=["edition_id", "area_id", "project_id"],
                                                   set_={"points": ProjectTally.points + points,
                                                         "voters": ProjectTally.voters + sign}))


def _record(session: Session, vote: dict, status: str) -> None:
    session.execute(insert(BallotRecord).values(
        receipt=vote["receipt"], edition_id=vote["edition_id"], voter_key=vote["voter_key"],
        channel=vote["channel"], cast_at=vote["cast_at"], status=status).on_conflict_do_nothing())


def on_vote_cast(session: Session, event: Envelope) -> None:
    vote = _VoteCast().load(event.data)
    edition_id = vote["edition_id"]
    # The common case first: the voter's first ballot, one round trip.
    closure = session.get(EditionClosure, edition_id)
    closed_at = closure.closed_at if closure else None
    if closed_at is None or vote["cast_at"] <= closed_at:
        first = session.execute(insert(Vote).values(**vote, status="counted").on_conflict_do_nothing()
                                .returning(Vote.voter_key)).first()
        if first is not None:
            _record(session, vote, "counted")
            _add(session, edition_id, vote["channel"], vote["parts"], +1)
            return
    current = session.get(Vote, (edition_id, vote["voter_key"]), with_for_update=True)
    if current is not None and current.receipt == vote["receipt"]:
        return  # this very ballot, already counted
    rules = session.get(BallotView, edition_id).rules
    outcome = standing.decide(current and standing.Standing(current.status, current.channel), vote["channel"],
                              rules, cast_at=vote["cast_at"], closed_at=closed_at)
    if outcome == standing.REPLACE:
        _add(session, edition_id, current.channel, current.parts, -1)
        session.query(BallotRecord).filter(BallotRecord.receipt == current.receipt).update({"status": "superseded"})
        current.receipt, current.parts, current.cast_at = vote["receipt"], vote["parts"], vote["cast_at"]
        _record(session, vote, "counted")
        _add(session, edition_id, vote["channel"], vote["parts"], +1)
    elif outcome == standing.VOID_ALL:
        _add(session, edition_id, current.channel, current.parts, -1)
        session.query(BallotRecord).filter(BallotRecord.receipt == current.receipt).update({"status": "invalid"})
        current.status = "invalid"
        _record(session, vote, "invalid")
    else:  # NOT_COUNTED, INVALID, LATE
        _record(session, vote, {standing.NOT_COUNTED: "not_counted", standing.INVALID: "invalid",
                                standing.LATE: "late"}[outcome])


HANDLERS = {"vote.cast": on_vote_cast}
