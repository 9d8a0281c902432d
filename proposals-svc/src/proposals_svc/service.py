"""proposals-svc use cases. Each takes the session of one unit of work; the caller commits."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events
from .lifecycle import EditionSettingsSchema
from .models import Appeal, Area, AuditEntry, ChangeRequest, Department, Edition, Proposal


def create_edition(session: Session, *, name: str, city: str, year: int, created_by: str,
                   settings: dict | None = None, kind: str = "participatory_budget") -> Edition:
    """The edition and its `edition.created` event are written together or not at all."""
    if session.scalar(select(Edition.id).where(Edition.name == name)) is not None:
        raise Problem(409, f"Edycja o nazwie „{name}” już istnieje.", f"An edition named '{name}' already exists.",
                      errors=[{"location": "json", "field": "name", "message": "Nazwa jest już zajęta.",
                               "message_en": "The name is taken."}])
    edition = Edition(name=name, city=city, year=year, created_by=created_by, kind=kind,
                      settings=json.loads(json.dumps(EditionSettingsSchema().dump(settings or {}))))
    session.add(edition)
    session.flush()
    events.edition_created(session, edition)
    return edition


def get_edition(session: Session, edition_id: uuid.UUID) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise Problem(404, "Nie ma takiej edycji.", "No such edition.")
    return edition


def list_editions(session: Session) -> list[Edition]:
    return list(session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.name)))


def list_proposals(session: Session, edition_id: uuid.UUID, *, status: str | None = None,
                   area_id: uuid.UUID | None = None) -> list[Proposal]:
    """The public list: submitted proposals onward, never drafts."""
    get_edition(session, edition_id)
    query = select(Proposal).where(Proposal.edition_id == edition_id, Proposal.status != "draft")
    if status:
        query = query.where(Proposal.status == status)
    if area_id:
        query = query.where(Proposal.area_id == area_id)
    return list(session.scalars(query.order_by(Proposal.created_at)))


def change_settings(session: Session, edition: Edition, settings: dict, *, actor: str, reason: str) -> Edition:
    session.refresh(edition, with_for_update=True)
    edition.settings = json.loads(json.dumps(EditionSettingsSchema().dump(settings)))
    session.add(AuditEntry(actor=actor, action="edition.settings_changed", target=str(edition.id), reason=reason,
                           details=edition.settings))
    events.edition_event(session, "edition.settings_changed", edition.id, settings=edition.settings)
    return edition


def create_area(session: Session, edition: Edition, *, actor: str, **fields) -> Area:
    if edition.rules_frozen_at is not None:
        raise Problem(409, "Karta do głosowania jest już opublikowana.", "The ballot is already published.")
    if session.scalar(select(Area.id).where(Area.edition_id == edition.id, Area.name == fields["name"])) is not None:
        raise Problem(409, f"Obszar „{fields['name']}” już istnieje.", f"Area '{fields['name']}' already exists.",
                      errors=[{"location": "json", "field": "name", "message": "Nazwa zajęta.",
                               "message_en": "The name is taken."}])
    area = Area(edition_id=edition.id, **fields)
    session.add(area)
    session.flush()
    session.add(AuditEntry(actor=actor, action="area.created", target=str(area.id), reason="utworzenie obszaru",
                           details={"name": area.name, "budget": area.budget}))
    events.area_created(session, area)
    return area


def create_department(session: Session, *, code: str, name: str, actor: str) -> Department:
    if session.get(Department, code) is not None:
        raise Problem(409, f"Komórka {code} już istnieje.", f"Department {code} already exists.",
                      errors=[{"location": "json", "field": "code", "message": "Kod zajęty.",
                               "message_en": "The code is taken."}])
    department = Department(code=code, name=name)
    session.add(department)
    session.add(AuditEntry(actor=actor, action="department.created", target=code, reason=name, details={}))
    events.department_created(session, code, name)
    return department


def waiting_work(session: Session, edition: Edition) -> dict:
    """Counts for the office's home page: what waits for whom in `edition`."""
    by_status = dict(session.execute(select(Proposal.status, func.count()).where(Proposal.edition_id == edition.id)
                                     .group_by(Proposal.status)).all())
    appeals = session.scalar(select(func.count()).select_from(Appeal).join(Proposal, Appeal.proposal_id == Proposal.id)
                             .where(Proposal.edition_id == edition.id, Appeal.status == "pending"))
    changes = session.scalar(select(func.count()).select_from(ChangeRequest)
                             .join(Proposal, ChangeRequest.proposal_id == Proposal.id)
                             .where(Proposal.edition_id == edition.id, ChangeRequest.status == "pending"))
    return {"to_formal_verification": by_status.get("submitted", 0), "in_substantive_review": by_status.get("in_review", 0),
            "appeals_to_decide": appeals, "change_requests_open": changes}
