"""The published lists of qualified and rejected proposals (listy projektów), per area, with reasons.

Publication is a snapshot: what the office published stays as published even if a proposal changes
later. It needs every proposal decided (none waiting for verification or an appeal).
"""

from __future__ import annotations

import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glos_chassis import spreadsheet
from glos_chassis.errors import Problem

from . import events
from .models import Area, AuditEntry, Edition, ListPublication, Proposal

UNDECIDED = ("submitted", "formally_accepted", "in_review", "appealed")
REJECTED = ("formally_rejected", "substantively_rejected", "rejected")


def publish(session: Session, edition: Edition, *, actor: str, reason: str) -> ListPublication:
    session.refresh(edition, with_for_update=True)
    undecided = session.execute(select(Proposal.status, func.count()).where(
        Proposal.edition_id == edition.id, Proposal.status.in_(UNDECIDED)).group_by(Proposal.status)).all()
    if undecided:
        waiting = ", ".join(f"{status}: {n}" for status, n in undecided)
        raise Problem(409, f"Nie wszystkie wnioski są rozstrzygnięte ({waiting}).",
                      f"Not every proposal is decided ({waiting}).", type_="https://glos.pl/problems/undecided")
    areas = []
    for area in session.scalars(select(Area).where(Area.edition_id == edition.id).order_by(Area.kind, Area.name)):
        proposals = session.scalars(select(Proposal).where(Proposal.area_id == area.id).order_by(Proposal.title)).all()
        areas.append({
            "area_id": str(area.id), "name": area.name, "kind": area.kind, "budget": area.budget,
            "qualified": [{"proposal_id": str(p.id), "title": p.title, "cost": p.cost, "version": p.version}
                          for p in proposals if p.status == "qualified"],
            "rejected": [{"proposal_id": str(p.id), "title": p.title, "cost": p.cost,
                          "stage": p.rejection_stage, "reason": p.rejection_reason}
                         for p in proposals if p.status in REJECTED]})
    publication = ListPublication(edition_id=edition.id, lists={"areas": areas}, published_by=actor)
    session.add(publication)
    session.flush()
    counts = {"qualified": sum(len(a["qualified"]) for a in areas), "rejected": sum(len(a["rejected"]) for a in areas)}
    session.add(AuditEntry(actor=actor, action="lists.published", target=str(edition.id), reason=reason,
                           details={"publication": str(publication.id), **counts}))
    events.lists_published(session, edition, publication.id, counts)
    return publication


def latest(session: Session, edition: Edition) -> ListPublication:
    publication = session.scalar(select(ListPublication).where(ListPublication.edition_id == edition.id)
                                 .order_by(ListPublication.published_at.desc()).limit(1))
    if publication is None:
        raise Problem(404, "Listy projektów nie zostały jeszcze opublikowane.", "The lists are not published yet.")
    return publication


def as_csv(publication: ListPublication) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)  # titles and reasons are typed by people: none may run as a formula
    writer.writerow(["obszar", "rodzaj_obszaru", "id_wniosku", "tytuł", "koszt", "wynik", "etap", "uzasadnienie"])
    for area in publication.lists["areas"]:
        for p in area["qualified"]:
            writer.writerow([area["name"], area["kind"], p["proposal_id"], p["title"], p["cost"], "zakwalifikowany",
                             "", ""])
        for p in area["rejected"]:
            writer.writerow([area["name"], area["kind"], p["proposal_id"], p["title"], p["cost"], "odrzucony",
                             p["stage"] or "", p["reason"] or ""])
    return out.getvalue()
