"""Consultation meetings: registration with a waitlist, reminders, attendance, minutes and the remarks made.

Registrations for one meeting are serialised by locking the meeting row, so two people can never both take
the last place. A cancelled place goes to the first on the waitlist, who is told (`notification.requested`).
Every notification is an event for a notifier: confirmation, waitlisting, promotion, the reminder a day
before, and cancellation.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.db import session_scope
from glos_chassis.errors import Problem

from . import events
from .shared import audit, error, now
from .models import Consultation, Meeting, Registration, Remark

REMINDER_BEFORE = timedelta(hours=24)


def create(session: Session, consultation: Consultation, *, actor: str, **fields) -> Meeting:
    if not fields.get("place") and not fields.get("online_link"):
        raise Problem(422, "Podaj miejsce spotkania lub link.", "Give the meeting's place or link.",
                      type_="https://glos.pl/problems/validation",
                      errors=[error("place", "Wymagane miejsce lub link.", "A place or a link is required.")])
    if fields["registration_closes_at"] > fields["starts_at"]:
        raise Problem(422, "Zapisy muszą się kończyć przed spotkaniem.", "Registration must close before the meeting.",
                      type_="https://glos.pl/problems/validation",
                      errors=[error("registration_closes_at", "Po rozpoczęciu spotkania.", "After the meeting starts.")])
    meeting = Meeting(consultation_id=consultation.id, **fields)
    session.add(meeting)
    session.flush()
    audit(session, actor, "meeting.created", consultation.id, meeting.title, meeting=str(meeting.id))
    events.publish(session, "meeting.scheduled", consultation, meeting_id=str(meeting.id), title=meeting.title,
                   starts_at=meeting.starts_at.isoformat())
    return meeting


def get(session: Session, meeting_id: uuid.UUID, *, for_update: bool = False) -> Meeting:
    found = session.get(Meeting, meeting_id, with_for_update=for_update or None)
    if found is None:
        raise Problem(404, "Nie ma takiego spotkania.", "No such meeting.")
    return found


def _confirmed(session: Session, meeting: Meeting) -> int:
    return session.scalar(select(func.count()).select_from(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status == "confirmed"))


def register(session: Session, consultation: Consultation, meeting: Meeting, *, account: str) -> Registration:
    """The caller holds the meeting row's lock (get(..., for_update=True))."""
    if now() >= meeting.registration_closes_at:
        raise Problem(409, f"Zapisy zamknięto {meeting.registration_closes_at:%Y-%m-%d %H:%M} UTC.",
                      "Registration has closed.", type_="https://glos.pl/problems/deadline-passed")
    existing = session.scalar(select(Registration).where(Registration.meeting_id == meeting.id,
                                                         Registration.account_id == account,
                                                         Registration.status != "cancelled"))
    if existing is not None:
        raise Problem(409, "Jesteś już zapisany(-a) na to spotkanie.", "You are already registered.")
    status = "confirmed" if _confirmed(session, meeting) < meeting.capacity else "waitlisted"
    registration = Registration(meeting_id=meeting.id, account_id=account, status=status)
    session.add(registration)
    session.flush()
    events.notify(session, consultation, account, f"meeting.{status}", meeting_id=str(meeting.id),
                  title=meeting.title, starts_at=meeting.starts_at.isoformat(), place=meeting.place,
                  online_link=meeting.online_link)
    return registration


def cancel(session: Session, consultation: Consultation, meeting: Meeting, *, account: str) -> Registration:
    registration = session.scalar(select(Registration).where(Registration.meeting_id == meeting.id,
                                                             Registration.account_id == account,
                                                             Registration.status != "cancelled"))
    if registration is None:
        raise Problem(404, "Nie jesteś zapisany(-a) na to spotkanie.", "You are not registered for this meeting.")
    freed = registration.status == "confirmed"
    registration.status = "cancelled"
    if freed:
        first_waiting = session.scalar(select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.status == "waitlisted")
            .order_by(Registration.created_at, Registration.id).limit(1))
        if first_waiting is not None:
            first_waiting.status = "confirmed"
            events.notify(session, consultation, first_waiting.account_id, "meeting.promoted",
                          meeting_id=str(meeting.id), title=meeting.title, starts_at=meeting.starts_at.isoformat(),
                          place=meeting.place, online_link=meeting.online_link)
    return registration


def registration_of(session: Session, meeting: Meeting, account: str) -> dict:
    """The caller's own registration, with their place on the waitlist (1 = the next to get a seat)."""
    registration = session.scalar(select(Registration).where(Registration.meeting_id == meeting.id,
                                                             Registration.account_id == account,
                                                             Registration.status != "cancelled"))
    if registration is None:
        raise Problem(404, "Nie jesteś zapisany(-a) na to spotkanie.", "You are not registered for this meeting.")
    position = None
    if registration.status == "waitlisted":
        position = 1 + session.scalar(select(func.count()).select_from(Registration).where(
            Registration.meeting_id == meeting.id, Registration.status == "waitlisted",
            (Registration.created_at < registration.created_at)
            | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id))))
    return {"id": registration.id, "account_id": registration.account_id, "status": registration.status,
            "attended": registration.attended, "created_at": registration.created_at, "waitlist_position": position}


def registrations(session: Session, meeting: Meeting) -> list[Registration]:
    return list(session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                .order_by(Registration.created_at, Registration.id)))


def mark_attendance(session: Session, meeting: Meeting, *, present: list[str], actor: str) -> list[Registration]:
    if now() < meeting.starts_at:
        raise Problem(409, "Obecność odnotowuje się po rozpoczęciu spotkania.", "Attendance is marked once it starts.")
    rows = [r for r in registrations(session, meeting) if r.status == "confirmed"]
    unknown = set(present) - {r.account_id for r in rows}
    if unknown:
        raise Problem(422, "Wśród obecnych są osoby niezapisane.", "Some of those present were not registered.",
                      type_="https://glos.pl/problems/validation",
                      errors=[error(f"present.{i}", "Niezapisany.", "Not registered.")
                              for i, a in enumerate(present) if a in unknown])
    for r in rows:
        r.attended = r.account_id in present
    audit(session, actor, "meeting.attendance", meeting.id, "lista obecności", present=len(present), registered=len(rows))
    return rows


def add_minutes(session: Session, meeting: Meeting, *, minutes: str, actor: str) -> Meeting:
    if now() < meeting.starts_at:
        raise Problem(409, "Protokół dołącza się po spotkaniu.", "Minutes are added after the meeting.")
    meeting.minutes, meeting.minutes_added_at = minutes, now()
    audit(session, actor, "meeting.minutes", meeting.id, "protokół ze spotkania", length=len(minutes))
    return meeting


def add_remark(session: Session, consultation: Consultation, meeting: Meeting, *, body: str, speaker: str | None,
               actor: str) -> Remark:
    """A remark said at the meeting, entered by staff; `speaker` is the account of a registered participant, if
    the person wants the outcome sent to them."""
    if speaker is not None and speaker not in {r.account_id for r in registrations(session, meeting)}:
        raise Problem(422, "Mówca nie był zapisany na spotkanie.", "The speaker was not registered for the meeting.",
                      type_="https://glos.pl/problems/validation", errors=[error("speaker", "Nieznany.", "Unknown.")])
    count = session.scalar(select(func.count()).select_from(Remark).where(
        Remark.consultation_id == consultation.id, Remark.kind == "meeting", Remark.source.like(f"{meeting.id}:%")))
    remark = Remark(consultation_id=consultation.id, kind="meeting", source=f"{meeting.id}:{count + 1}",
                    author=speaker, body=body)
    session.add(remark)
    audit(session, actor, "remark.entered", consultation.id, "uwaga zgłoszona na spotkaniu", meeting=str(meeting.id))
    return remark


def send_reminders(factory: sessionmaker) -> int:
    """A reminder to each confirmed participant once, within a day of the meeting."""
    moment, sent = now(), 0
    with session_scope(factory) as session:
        due = session.execute(select(Registration, Meeting).join(Meeting, Meeting.id == Registration.meeting_id).where(
            Registration.status == "confirmed", Registration.reminder_sent_at.is_(None),
            Meeting.starts_at > moment, Meeting.starts_at <= moment + REMINDER_BEFORE)
            .with_for_update(of=Registration, skip_locked=True)).all()
        for registration, meeting in due:
            consultation = session.get(Consultation, meeting.consultation_id)
            events.notify(session, consultation, registration.account_id, "meeting.reminder",
                          meeting_id=str(meeting.id), title=meeting.title, starts_at=meeting.starts_at.isoformat(),
                          place=meeting.place, online_link=meeting.online_link)
            registration.reminder_sent_at = moment
            sent += 1
    return sent
