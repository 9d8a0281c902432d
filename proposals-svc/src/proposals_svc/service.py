"""proposals-svc use cases. Each takes the session of one unit of work; the caller commits."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events
from .models import Edition, Proposal


def create_edition(session: Session, *, name: str, city: str, year: int, created_by: str) -> Edition:
    """The edition and its `edition.created` event are written together or not at all."""
    if session.scalar(select(Edition.id).where(Edition.name == name)) is not None:
        raise Problem(409, f"Edycja o nazwie „{name}” już istnieje.", f"An edition named '{name}' already exists.",
                      errors=[{"location": "json", "field": "name", "message": "Nazwa jest już zajęta.",
                               "message_en": "The name is taken."}])
    edition = Edition(name=name, city=city, year=year, created_by=created_by)
    session.add(edition)
    session.flush()
    events.edition_created(session, edition)
    return edition


def get_edition(session: Session, edition_id: uuid.UUID) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise Problem(404, "Nie ma takiej edycji.", "No such edition.")
    return edition


def submit_proposal(session: Session, edition_id: uuid.UUID, *, title: str, description: str, cost: int,
                    author: str) -> Proposal:
    edition = get_edition(session, edition_id)
    proposal = Proposal(edition_id=edition.id, title=title, description=description, cost=cost, author=author)
    session.add(proposal)
    session.flush()
    events.proposal_submitted(session, proposal)
    return proposal


def list_editions(session: Session) -> list[Edition]:
    return list(session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.name)))


def list_proposals(session: Session, edition_id: uuid.UUID) -> list[Proposal]:
    get_edition(session, edition_id)
    return list(session.scalars(select(Proposal).where(Proposal.edition_id == edition_id)
                                .order_by(Proposal.created_at)))
