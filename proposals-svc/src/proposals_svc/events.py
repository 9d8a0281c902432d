"""Events proposals-svc publishes (topic `proposals.events`, key = edition id so an edition's events stay in order)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from glos_chassis.events import new_event
from glos_chassis.outbox import add_to_outbox

from .models import Area, Edition, Proposal, outbox

TOPIC = "proposals.events"
SOURCE = "proposals-svc"


def edition_created(session: Session, edition: Edition) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "edition.created", str(edition.id), source=SOURCE,
        data={"edition_id": str(edition.id), "name": edition.name, "city": edition.city, "year": edition.year}))


def proposal_submitted(session: Session, proposal: Proposal) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "proposal.submitted", str(proposal.edition_id), source=SOURCE,
        data={"proposal_id": str(proposal.id), "edition_id": str(proposal.edition_id), "title": proposal.title,
              "cost": proposal.cost, "area_id": str(proposal.area_id) if proposal.area_id else None,
              "external_id": proposal.external_id, "status": proposal.status}))


def area_created(session: Session, area: Area) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "area.created", str(area.edition_id), source=SOURCE,
        data={"area_id": str(area.id), "edition_id": str(area.edition_id), "name": area.name, "kind": area.kind,
              "budget": area.budget, "max_project_cost": area.max_project_cost}))


def ballot_published(session: Session, edition: Edition, areas: list[dict]) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "ballot.published", str(edition.id), source=SOURCE,
        data={"edition_id": str(edition.id), "name": edition.name, "rules": edition.voting_rules,
              "rules_sha256": edition.rules_sha256, "frozen_at": edition.rules_frozen_at.isoformat(),
              "areas": areas}))
