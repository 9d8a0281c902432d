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
              "external_id": proposal.external_id, "status": proposal.status, "applicant": proposal.author}))


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


def phase_changed(session: Session, edition: Edition, previous: str, *, actor: str) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "edition.phase_changed", str(edition.id), source=SOURCE,
        data={"edition_id": str(edition.id), "from": previous, "to": edition.current_phase,
              "changed_at": edition.phase_changed_at.isoformat(), "by": actor}))


def proposal_event(session: Session, event_type: str, proposal: Proposal, **data) -> None:
    """A proposal's state change (verified, changed, appealed…): enough for a notifier to tell the applicant."""
    add_to_outbox(session, outbox, TOPIC, new_event(
        event_type, str(proposal.edition_id), source=SOURCE,
        data={"proposal_id": str(proposal.id), "edition_id": str(proposal.edition_id), "status": proposal.status,
              "version": proposal.version, "applicant": proposal.author, "title": proposal.title, **data}))


def lists_published(session: Session, edition: Edition, publication_id, counts: dict) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "lists.published", str(edition.id), source=SOURCE,
        data={"edition_id": str(edition.id), "publication_id": str(publication_id), **counts}))


def edition_event(session: Session, event_type: str, edition_id, **data) -> None:
    """Any other change within an edition (settings, schedule, support, conflicts, attachments…)."""
    add_to_outbox(session, outbox, TOPIC, new_event(
        event_type, str(edition_id), source=SOURCE, data={"edition_id": str(edition_id), **data}))


def department_created(session: Session, code: str, name: str) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        "department.created", f"department:{code}", source=SOURCE, data={"code": code, "name": name}))
