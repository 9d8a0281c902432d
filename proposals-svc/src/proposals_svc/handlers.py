"""Events proposals-svc consumes, as an explicit table. Each handler runs inside the consumer's transaction,
after the event id was recorded as processed; unknown fields are ignored (tolerant reader)."""

from __future__ import annotations

import logging

from datetime import timedelta
from zoneinfo import ZoneInfo

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem
from glos_chassis.events import Envelope

from . import events, implementation, phases
from .lifecycle import support_count
from .models import Edition, Proposal, ResidentView, Support

log = logging.getLogger(__name__)

GROUP_ID = "proposals-svc.projections"
TOPICS = ["identity.events", "voting.events"]


class _ResidentVerified(Schema):
    """Our copy of the fields we read from identity-svc's `resident.verified` (v1)."""

    class Meta:
        unknown = EXCLUDE

    account_id = fields.UUID(required=True)
    level = fields.String(required=True)
    district = fields.String(required=True)


class _SupportListEntered(Schema):
    class Meta:
        unknown = EXCLUDE

    proposal_id = fields.UUID(required=True)
    supporters = fields.List(fields.String(), required=True)


class _UserDeleted(Schema):
    class Meta:
        unknown = EXCLUDE

    account_id = fields.UUID(required=True)


def on_resident_verified(session: Session, event: Envelope) -> None:
    data = _ResidentVerified().load(event.data)
    session.execute(insert(ResidentView).values(**data).on_conflict_do_update(
        index_elements=[ResidentView.account_id],
        set_={"level": data["level"], "district": data["district"], "updated_at": func.now()}))


def on_support_list_entered(session: Session, event: Envelope) -> None:
    data = _SupportListEntered().load(event.data)
    if session.get(Proposal, data["proposal_id"]) is None:
        # identity-svc cannot know our proposals; a list entered for a mistyped id counts for nothing
        raise ValueError(f"support list for unknown proposal {data['proposal_id']}")
    session.execute(insert(Support).values([
        {"proposal_id": data["proposal_id"], "supporter_ref": ref, "channel": "paper"} for ref in data["supporters"]
    ]).on_conflict_do_nothing())
    proposal = session.get(Proposal, data["proposal_id"])
    events.proposal_event(session, "proposal.supported", proposal, channel="paper",
                          supporters=support_count(session, proposal.id))


class _ResultsPublished(Schema):
    """Our copy of what we read from voting-svc's `results.published` (v1): the winners per area."""

    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    winners = fields.List(fields.Dict(), required=True)


def on_results_published(session: Session, event: Envelope) -> None:
    implementation.on_results_published(session, _ResultsPublished().load(event.data)["winners"])


def on_user_deleted(session: Session, event: Envelope) -> None:
    session.execute(delete(ResidentView).where(ResidentView.account_id == _UserDeleted().load(event.data)["account_id"]))


class _OutageEnded(Schema):
    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    seconds = fields.Integer(required=True)


def on_outage_ended(session: Session, event: Envelope) -> None:
    """voting-svc's ledger saw an outage of the vote path during this edition's voting: where the frozen rules
    say so, voting is extended by its length (to the whole minute) at once — audited, announced and mailed as an
    extension by hand is."""
    data = _OutageEnded().load(event.data)
    edition = session.get(Edition, data["edition_id"])
    after = ((edition.voting_rules or {}).get("outage_extension_after_minutes") if edition else None)
    if edition is None or after is None or data["seconds"] < after * 60 or edition.current_phase != "voting":
        return
    voting = next((p for p in phases.schedule_of(session, edition.id) if p.phase == "voting"), None)
    if voting is None:
        return
    minutes = -(-data["seconds"] // 60)
    warsaw = ZoneInfo("Europe/Warsaw")
    span = f"{data['started_at'].astimezone(warsaw):%d.%m %H:%M}–{data['ended_at'].astimezone(warsaw):%H:%M}"
    try:
        with session.begin_nested():  # a refusal leaves the rest of the transaction as it was
            phases.extend_voting(session, edition, voting.ends_at + timedelta(minutes=minutes),
                                 actor="system:outage-ledger",
                                 reason=f"Automatyczne przedłużenie o czas przerwy w głosowaniu ({span}, {minutes} "
                                        f"min), zgodnie z zasadami edycji (przerwa dłuższa niż {after} min).",
                                 outage_seconds=data["seconds"])
    except Problem as refused:  # the voting's end has passed meanwhile: the coordinator decides, from the ledger
        log.warning("no automatic extension of edition %s: %s", edition.id, refused.detail_en)


HANDLERS = {
    "resident.verified": on_resident_verified,
    "voting.outage_ended": on_outage_ended,
    "results.published": on_results_published,
    "support.list_entered": on_support_list_entered,
    "user.deleted": on_user_deleted,
}
