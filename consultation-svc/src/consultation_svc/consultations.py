"""Consultations: created by a coordinator, run by the moderators assigned to them.

    announced ──opens_at──▶ open ──closes_at──▶ closed ──report──▶ report_published

The worker moves a consultation at its dates; a coordinator may open or close it by hand with a reason.
Each change is an event (`consultation.opened`, `consultation.closed`). At the close, every published
comment and every open survey answer becomes a remark the report must answer.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.auth import Principal
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem

from . import events
from .comments import queue_size
from .meetings import send_reminders
from .models import Consultation, ConsultationModerator, ResidentView
from .remarks import collect_at_close
from .shared import audit, error, forbidden, now

log = logging.getLogger(__name__)


def get(session: Session, consultation_id: uuid.UUID, *, for_update: bool = False) -> Consultation:
    found = session.get(Consultation, consultation_id, with_for_update=for_update or None)
    if found is None:
        raise Problem(404, "Nie ma takiej konsultacji.", "No such consultation.")
    return found


def create(session: Session, *, actor: str, **fields) -> Consultation:
    if fields.get("opens_at") and fields.get("closes_at") and fields["closes_at"] <= fields["opens_at"]:
        raise Problem(422, "Konsultacje muszą się kończyć po rozpoczęciu.", "The consultation must close after it opens.",
                      type_="https://glos.pl/problems/validation",
                      errors=[error("closes_at", "Data zamknięcia przed otwarciem.", "Closes before it opens.")])
    consultation = Consultation(created_by=actor, status="announced", **fields)
    session.add(consultation)
    session.flush()
    audit(session, actor, "consultation.created", consultation.id, "ogłoszenie konsultacji", subject=consultation.subject)
    events.publish(session, "consultation.announced", consultation, subject=consultation.subject,
                   scope_districts=consultation.scope_districts, opens_at=_iso(consultation.opens_at),
                   closes_at=_iso(consultation.closes_at))
    return consultation


def edit(session: Session, consultation: Consultation, *, actor: str, reason: str, **changes) -> Consultation:
    """Change what was announced, before the consultation opens (once residents take part, its terms hold)."""
    if consultation.status != "announced":
        raise Problem(409, "Konsultacje można zmieniać tylko przed ich otwarciem.",
                      "A consultation can change only before it opens.", type_="https://glos.pl/problems/wrong-status")
    opens, closes = changes.get("opens_at", consultation.opens_at), changes.get("closes_at", consultation.closes_at)
    if opens and closes and closes <= opens:
        raise Problem(422, "Konsultacje muszą się kończyć po rozpoczęciu.", "The consultation must close after it opens.",
                      type_="https://glos.pl/problems/validation",
                      errors=[error("closes_at", "Data zamknięcia przed otwarciem.", "Closes before it opens.")])
    before = {name: _plain(getattr(consultation, name)) for name in changes}
    for name, value in changes.items():
        setattr(consultation, name, value)
    after = {name: _plain(value) for name, value in changes.items()}
    audit(session, actor, "consultation.edited", consultation.id, reason,
          changed={name: {"before": before[name], "after": after[name]} for name in changes if before[name] != after[name]})
    events.publish(session, "consultation.announced", consultation, subject=consultation.subject,
                   scope_districts=consultation.scope_districts, opens_at=_iso(consultation.opens_at),
                   closes_at=_iso(consultation.closes_at))
    return consultation


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def assign_moderator(session: Session, consultation: Consultation, *, account_id: str, actor: str,
                     reason: str) -> None:
    if session.get(ConsultationModerator, (consultation.id, account_id)) is None:
        session.add(ConsultationModerator(consultation_id=consultation.id, account_id=account_id, assigned_by=actor))
        audit(session, actor, "consultation.moderator_assigned", consultation.id, reason, moderator=account_id)


def moderators(session: Session, consultation: Consultation) -> list[str]:
    return list(session.scalars(select(ConsultationModerator.account_id)
                                .where(ConsultationModerator.consultation_id == consultation.id)))


def participant(session: Session, consultation: Consultation, principal: Principal | None, *,
                anonymous_allowed: bool = False) -> ResidentView | None:
    """May this caller take part? Returns their resident record when known (for statistics)."""
    if principal is None:
        if anonymous_allowed and consultation.participation == "anonymous_survey":
            return None
        raise Problem(401, "Zaloguj się, aby wziąć udział.", "Log in to take part.",
                      headers={"WWW-Authenticate": "Bearer"})
    resident = session.get(ResidentView, principal.subject)
    if consultation.participation == "residents_in_scope":
        if resident is None:
            raise forbidden("W tych konsultacjach biorą udział zweryfikowani mieszkańcy.",
                            "Only verified residents take part in this consultation.")
        if consultation.scope_districts and resident.district not in consultation.scope_districts:
            raise forbidden(f"Konsultacje dotyczą osiedli: {', '.join(consultation.scope_districts)}.",
                            f"The consultation concerns: {', '.join(consultation.scope_districts)}.")
    return resident


def change_status(session: Session, consultation: Consultation, target: str, *, actor: str, reason: str,
                  confirm_pending: bool = False) -> Consultation:
    """A coordinator opens or closes by hand. Closing while comments wait for moderation is refused unless
    confirmed: those comments still become remarks when a moderator publishes them, and the report waits for
    every decision."""
    order = ["announced", "open", "closed"]
    allowed = consultation.status in order[:-1] and target == order[order.index(consultation.status) + 1]
    if not allowed:
        raise Problem(409, f"Nie można przejść z „{consultation.status}” do „{target}”.",
                      f"Cannot go from '{consultation.status}' to '{target}'.", type_="https://glos.pl/problems/wrong-status")
    waiting = queue_size(session, consultation) if target == "closed" else 0
    if waiting and not confirm_pending:
        raise Problem(409, f"W kolejce moderacji czeka komentarzy: {waiting}. Zdecyduj o nich albo potwierdź "
                           "zamknięcie — raport powstanie dopiero po decyzji o każdym.",
                      f"{waiting} comment(s) wait for moderation. Decide on them or confirm the close — the report "
                      "waits for a decision on each.", type_="https://glos.pl/problems/moderation-pending")
    _move(session, consultation, target, actor=actor)
    audit(session, actor, f"consultation.{target}", consultation.id, reason,
          **({"closed_with_comments_waiting": waiting} if waiting else {}))
    return consultation


def _move(session: Session, consultation: Consultation, target: str, *, actor: str) -> None:

    consultation.status = target
    if target == "closed":
        consultation.closes_at = min(consultation.closes_at or now(), now())
        collect_at_close(session, consultation)
    events.publish(session, "consultation.opened" if target == "open" else "consultation.closed", consultation,
                   by=actor, at=now().isoformat())


def advance_due(factory: sessionmaker) -> int:
    moment, moved = now(), 0
    with session_scope(factory) as session:
        due = session.execute(select(Consultation.id, Consultation.status).where(
            ((Consultation.status == "announced") & (Consultation.opens_at <= moment))
            | ((Consultation.status == "open") & (Consultation.closes_at <= moment)))).all()
    for consultation_id, status in due:
        with session_scope(factory) as session:
            consultation = session.get(Consultation, consultation_id, with_for_update={"skip_locked": True})
            if consultation is None or consultation.status != status:
                continue
            _move(session, consultation, "open" if status == "announced" else "closed", actor="scheduler")
            moved += 1
    return moved


class Scheduler:
    """The worker loop that opens and closes consultations at their dates and sends meeting reminders."""

    def __init__(self, factory: sessionmaker, interval_s: float = 2.0):
        self.factory, self.interval_s = factory, interval_s

    def run(self, stop) -> None:
        while not stop.is_set():
            try:
                advance_due(self.factory)
                send_reminders(self.factory)
            except Exception:  # a database hiccup must not end the worker; the next pass retries
                log.exception("consultation scheduler pass failed")
            stop.wait(self.interval_s)
