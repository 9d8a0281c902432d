"""What every part of a consultation needs, in one module that imports none of them (so consultations, comments,
meetings, remarks and the report import it and not each other): the clock, a field error, a 403, an audit row,
and who is staff of a consultation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from .models import AuditEntry, Consultation, ConsultationModerator

STAFF = frozenset({"coordinator", "admin"})


def now() -> datetime:
    return datetime.now(UTC)


def error(field: str, pl: str, en: str, location: str = "json") -> dict:
    return {"location": location, "field": field, "message": pl, "message_en": en}


def forbidden(pl: str, en: str) -> Problem:
    return Problem(403, pl, en, type_="https://glos.pl/problems/forbidden")


def audit(session: Session, actor: str, action: str, target, reason: str, **details) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=str(target), reason=reason, details=details))


def is_staff_of(session: Session, consultation: Consultation, principal: Principal) -> bool:
    """Coordinators run every consultation; a moderator only those assigned to them."""
    if STAFF & principal.roles:
        return True
    return "moderator" in principal.roles and session.get(
        ConsultationModerator, (consultation.id, principal.subject)) is not None


def require_staff(session: Session, consultation: Consultation, principal: Principal) -> None:
    if not is_staff_of(session, consultation, principal):
        raise forbidden("Tę konsultację prowadzą przypisani do niej moderatorzy i koordynatorzy.",
                        "Only this consultation's moderators and the coordinators may do this.")


def require_open(consultation: Consultation) -> None:
    if consultation.status != "open" or (consultation.closes_at and now() >= consultation.closes_at):
        raise Problem(409, "Konsultacje nie są teraz otwarte.", "The consultation is not open.",
                      type_="https://glos.pl/problems/not-open",
                      errors=[error("_status", consultation.status, consultation.status, "consultation")])
