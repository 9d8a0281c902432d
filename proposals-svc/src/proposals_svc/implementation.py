"""Implementation monitoring (monitorowanie realizacji): every winning project, from `results.published`,
and every agreed local initiative gets a record that its department keeps up to date, publicly.

    planned → in_preparation → in_progress → completed        (any of the first three → cancelled, with reason)

Progress is a percentage that does not go back (a correction is a note, not a smaller number), and
`completed` means 100. Each update is kept with its date and author, and announced as
`implementation.updated` with the applicant's account id, so a notifier can tell them.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from . import events
from .problems import field_error
from .models import AuditEntry, Department, Implementation, ImplementationUpdate, Proposal
from .verification import reviewer_departments

ORDER = ["planned", "in_preparation", "in_progress", "completed"]
TERMINAL = ("completed", "cancelled")


def start(session: Session, proposal: Proposal, *, kind: str) -> bool:
    """Open the record for a winner or an agreed initiative (once: a replayed event changes nothing)."""
    created = session.execute(insert(Implementation).values(
        id=uuid.uuid4(), proposal_id=proposal.id, edition_id=proposal.edition_id, kind=kind,
        department_code=proposal.department_code, status="planned", progress=0)
        .on_conflict_do_nothing().returning(Implementation.id)).first()
    if created is None:
        return False
    proposal.status = "selected" if kind == "pb_project" else "agreed"
    events.proposal_event(session, "implementation.updated", proposal, implementation_id=str(created[0]),
                          implementation_status="planned", progress=0, note="")
    return True


def on_results_published(session: Session, winners: list[dict]) -> int:
    started = 0
    for area in winners:
        for proposal_id in area["selected"]:
            proposal = session.get(Proposal, uuid.UUID(str(proposal_id)))
            if proposal is not None and start(session, proposal, kind="pb_project"):
                started += 1
    return started


def get(session: Session, implementation_id: uuid.UUID, *, for_update: bool = False) -> Implementation:
    found = session.get(Implementation, implementation_id, with_for_update=for_update or None)
    if found is None:
        raise Problem(404, "Nie ma takiej realizacji.", "No such implementation.")
    return found


def assign(session: Session, implementation: Implementation, *, code: str, actor: str, reason: str) -> Implementation:
    if session.get(Department, code) is None:
        raise Problem(422, "Nie ma takiej komórki.", "No such department.", type_="https://glos.pl/problems/validation",
                      errors=[field_error("department", "Nieznana komórka.", "Unknown department.")])
    implementation.department_code = code
    session.add(AuditEntry(actor=actor, action="implementation.assigned", target=str(implementation.id),
                           reason=reason, details={"department": code}))
    events.edition_event(session, "implementation.assigned", implementation.edition_id,
                         implementation_id=str(implementation.id), department=code)
    return implementation


def report(session: Session, implementation: Implementation, *, principal: Principal, status: str, progress: int,
           note: str) -> ImplementationUpdate:
    office = bool({"pb_official", "coordinator"} & principal.roles)
    if not office and implementation.department_code not in reviewer_departments(principal):
        raise Problem(403, "Realizację raportuje komórka, której ją przypisano.",
                      "The department the project is assigned to reports on it.",
                      type_="https://glos.pl/problems/forbidden")
    if implementation.status in TERMINAL:
        raise Problem(409, f"Realizacja jest zakończona ({implementation.status}).",
                      f"The implementation is closed ({implementation.status}).",
                      type_="https://glos.pl/problems/wrong-status")
    errors = []
    if status != "cancelled" and ORDER.index(status) < ORDER.index(implementation.status):
        errors.append(field_error("status", f"Nie można wrócić z „{implementation.status}” do „{status}”.",
                             f"Cannot go back from '{implementation.status}' to '{status}'."))
    if progress < implementation.progress:
        errors.append(field_error("progress", f"Postęp nie maleje (był {implementation.progress}%); korektę opisz w notatce.",
                             f"Progress does not decrease (it was {implementation.progress}%)."))
    if status == "completed" and progress != 100:
        errors.append(field_error("progress", "Zrealizowany projekt ma postęp 100%.", "A completed project is at 100%."))
    if status == "cancelled" and not note.strip():
        errors.append(field_error("note", "Podaj powód rezygnacji z realizacji.", "Give the reason for the cancellation."))
    if errors:
        raise Problem(422, "Aktualizacja realizacji jest niespójna.", "The update is inconsistent.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    implementation.status, implementation.progress = status, progress
    implementation.updated_at = func.now()
    if status == "cancelled":
        implementation.cancel_reason = note
    update = ImplementationUpdate(implementation_id=implementation.id, status=status, progress=progress, note=note,
                                  reported_by=principal.subject)
    session.add(update)
    session.add(AuditEntry(actor=principal.subject, action="implementation.updated", target=str(implementation.id),
                           reason=note or status, details={"status": status, "progress": progress}))
    proposal = session.get(Proposal, implementation.proposal_id)
    events.proposal_event(session, "implementation.updated", proposal, implementation_id=str(implementation.id),
                          implementation_status=status, progress=progress, note=note)
    session.flush()
    return update


def updates_of(session: Session, implementation: Implementation) -> list[ImplementationUpdate]:
    return list(session.scalars(select(ImplementationUpdate).where(
        ImplementationUpdate.implementation_id == implementation.id).order_by(ImplementationUpdate.created_at)))
