"""Events voting-svc consumes, as an explicit table. Each handler runs inside the consumer's transaction,
after the event id was recorded as processed."""

from __future__ import annotations

import uuid

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.canonical import sha256_hex
from glos_chassis.events import Envelope

from .models import BallotView, EditionView, ProjectView, VotingExtensionView

GROUP_ID = "voting-svc.projections"
TOPICS = ["proposals.events"]


class _EditionCreated(Schema):
    """Our own copy of the fields we read from proposals-svc's `edition.created` (v1)."""

    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    name = fields.String(required=True)
    city = fields.String(required=True)
    year = fields.Integer(required=True)


class _ProposalSubmitted(Schema):
    class Meta:
        unknown = EXCLUDE

    proposal_id = fields.UUID(required=True)
    edition_id = fields.UUID(required=True)
    title = fields.String(required=True)
    cost = fields.Integer(required=True)


def on_edition_created(session: Session, event: Envelope) -> None:
    data = _EditionCreated().load(event.data)
    session.execute(insert(EditionView).values(**data).on_conflict_do_update(
        index_elements=[EditionView.edition_id], set_={"name": data["name"], "city": data["city"],
                                                       "year": data["year"]}))


def on_proposal_submitted(session: Session, event: Envelope) -> None:
    data = _ProposalSubmitted().load(event.data)
    if session.get(EditionView, data["edition_id"]) is None:
        # Same key (edition id) means same partition, so edition.created always came first.
        raise LookupError(f"edition {data['edition_id']} not projected yet")
    session.execute(insert(ProjectView).values(**data).on_conflict_do_update(
        index_elements=[ProjectView.proposal_id], set_={"title": data["title"], "cost": data["cost"]}))


class _BallotPublished(Schema):
    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    rules = fields.Dict(required=True)
    rules_sha256 = fields.String(required=True)
    frozen_at = fields.AwareDateTime(required=True)
    areas = fields.List(fields.Dict(), required=True)


class TamperedRules(ValueError):
    """The rules do not hash to the published digest: never accept such a ballot."""


def on_ballot_published(session: Session, event: Envelope) -> None:
    data = _BallotPublished().load(event.data)
    if sha256_hex(data["rules"]) != data["rules_sha256"]:
        raise TamperedRules(f"rules of edition {data['edition_id']} do not match their SHA-256")
    if session.get(BallotView, data["edition_id"]) is not None:
        return  # published once; the rules are frozen, a second publication changes nothing
    session.add(BallotView(**data))


class _VotingExtended(Schema):
    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    previous_ends_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)


def on_voting_extended(session: Session, event: Envelope) -> None:
    data = _VotingExtended().load(event.data)
    session.execute(insert(VotingExtensionView).values(event_id=event.id, **data).on_conflict_do_nothing())


HANDLERS = {
    "ballot.published": on_ballot_published,
    "voting.extended": on_voting_extended,
    "edition.created": on_edition_created,
    "proposal.submitted": on_proposal_submitted,
}


def edition_projection(session: Session, edition_id: uuid.UUID) -> dict | None:
    edition = session.get(EditionView, edition_id)
    if edition is None:
        return None
    projects = session.query(ProjectView).filter(ProjectView.edition_id == edition_id).order_by(ProjectView.title)
    return {"edition_id": edition.edition_id, "name": edition.name, "city": edition.city, "year": edition.year,
            "projects": [{"proposal_id": p.proposal_id, "title": p.title, "cost": p.cost} for p in projects]}
