"""An edition's schedule: dated phases in a fixed order, and where the edition is now.

The worker's scheduler moves an edition forward when a phase's start date has passed (never backward);
an official can move it by hand, with a reason (a court ruling, a postponed vote). Every change is an
`edition.phase_changed` event and, when made by a person, an audit row. Deadlines are checked against
the dates themselves, not only the current phase, so a late scheduler never lets a late proposal in.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.db import session_scope
from glos_chassis.errors import Problem

from . import events
from .models import AuditEntry, Edition, EditionPhase, VotingExtension

log = logging.getLogger(__name__)

PHASES = ["preparation", "submission", "formal_verification", "substantive_verification", "appeals",
          "lists_published", "voting", "results", "implementation"]
PHASE_NAMES_PL = {"preparation": "przygotowanie", "submission": "składanie wniosków",
                  "formal_verification": "weryfikacja formalna", "substantive_verification": "weryfikacja merytoryczna",
                  "appeals": "odwołania", "lists_published": "publikacja list", "voting": "głosowanie",
                  "results": "wyniki", "implementation": "realizacja"}


def now() -> datetime:
    return datetime.now(UTC)


def set_schedule(session: Session, edition: Edition, schedule: list[dict], *, actor: str, reason: str) -> list[EditionPhase]:
    """Replace the edition's dated phases. Dates must follow the phases' order and not overlap."""
    ordered = sorted(schedule, key=lambda p: PHASES.index(p["phase"]))
    errors = []
    for i, entry in enumerate(schedule):
        if entry["ends_at"] <= entry["starts_at"]:
            errors.append({"location": "json", "field": f"phases.{i}.ends_at",
                           "message": "Koniec musi być po początku.", "message_en": "The end must follow the start."})
    if len({p["phase"] for p in schedule}) != len(schedule):
        errors.append({"location": "json", "field": "phases", "message": "Każda faza może wystąpić raz.",
                       "message_en": "Each phase may appear once."})
    for earlier, later in zip(ordered, ordered[1:]):
        if later["starts_at"] < earlier["ends_at"]:
            errors.append({"location": "json", "field": f"phases.{schedule.index(later)}.starts_at",
                           "message": f"Faza „{PHASE_NAMES_PL[later['phase']]}” zaczyna się przed końcem "
                                      f"„{PHASE_NAMES_PL[earlier['phase']]}”.",
                           "message_en": f"'{later['phase']}' starts before '{earlier['phase']}' ends."})
    if errors:
        raise Problem(422, "Harmonogram jest niespójny.", "The schedule is inconsistent.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    session.query(EditionPhase).filter(EditionPhase.edition_id == edition.id).delete()
    rows = [EditionPhase(edition_id=edition.id, **entry) for entry in ordered]
    session.add_all(rows)
    session.add(AuditEntry(actor=actor, action="edition.schedule_set", target=str(edition.id), reason=reason,
                           details={"phases": [{"phase": p["phase"], "starts_at": p["starts_at"].isoformat(),
                                                "ends_at": p["ends_at"].isoformat()} for p in ordered]}))
    events.edition_event(session, "edition.schedule_set", edition.id, phases=[
        {"phase": p["phase"], "starts_at": p["starts_at"].isoformat(), "ends_at": p["ends_at"].isoformat()}
        for p in ordered])
    return rows


def extend_voting(session: Session, edition: Edition, ends_at: datetime, *, actor: str, reason: str,
                  outage_seconds: int | None = None) -> VotingExtension:
    """Voting ends later than scheduled (after an outage, say): the voting phase's end moves to `ends_at`, every
    later dated phase moves by as much (keeping its length), and residents are told why (`voting.extended`)."""
    session.refresh(edition, with_for_update=True)
    if edition.current_phase != "voting":
        raise Problem(409, "Przedłużyć można tylko trwające głosowanie.", "Only voting under way can be extended.",
                      type_="https://glos.pl/problems/not-voting",
                      errors=[{"location": "json", "field": "ends_at", "message": "Głosowanie nie trwa.",
                               "message_en": "Voting is not under way."}])
    rows = schedule_of(session, edition.id)
    voting = next((p for p in rows if p.phase == "voting"), None)
    if voting is None:
        raise Problem(409, "Głosowanie nie ma wyznaczonego końca w harmonogramie.", "Voting has no scheduled end.",
                      type_="https://glos.pl/problems/not-scheduled",
                      errors=[{"location": "json", "field": "ends_at", "message": "Najpierw ustal harmonogram.",
                               "message_en": "Set the schedule first."}])
    previous = voting.ends_at
    if ends_at <= previous or ends_at <= now():
        raise Problem(422, "Nowy koniec głosowania musi być późniejszy niż obecny i niż teraz.",
                      "The new end must be later than the current one and than now.",
                      type_="https://glos.pl/problems/validation",
                      errors=[{"location": "json", "field": "ends_at",
                               "message": f"Musi być po {previous:%Y-%m-%d %H:%M} UTC.",
                               "message_en": f"Must be after {previous.isoformat()}."}])
    shift = ends_at - previous
    voting.ends_at = ends_at
    for later in rows[rows.index(voting) + 1:]:
        later.starts_at, later.ends_at = later.starts_at + shift, later.ends_at + shift
    extension = VotingExtension(edition_id=edition.id, previous_ends_at=previous, ends_at=ends_at, reason=reason,
                                outage_seconds=outage_seconds, extended_by=actor)
    session.add(extension)
    session.add(AuditEntry(actor=actor, action="edition.voting_extended", target=str(edition.id), reason=reason,
                           details={"previous_ends_at": previous.isoformat(), "ends_at": ends_at.isoformat(),
                                    "outage_seconds": outage_seconds}))
    events.edition_event(session, "voting.extended", edition.id, previous_ends_at=previous.isoformat(),
                         ends_at=ends_at.isoformat(), reason=reason, outage_seconds=outage_seconds)
    session.flush()
    return extension


def extensions_of(session: Session, edition_id) -> list[VotingExtension]:
    return list(session.scalars(select(VotingExtension).where(VotingExtension.edition_id == edition_id)
                                .order_by(VotingExtension.extended_at)))


def schedule_of(session: Session, edition_id) -> list[EditionPhase]:
    rows = session.scalars(select(EditionPhase).where(EditionPhase.edition_id == edition_id)).all()
    return sorted(rows, key=lambda p: PHASES.index(p.phase))


def _ballot_missing(edition: Edition, phase: str) -> bool:
    """Voting with no frozen ballot would leave residents with "no ballot published" on the last evening."""
    return phase == "voting" and edition.rules_frozen_at is None


def change_phase(session: Session, edition: Edition, phase: str, *, actor: str, reason: str) -> Edition:
    session.refresh(edition, with_for_update=True)
    if phase == edition.current_phase:
        raise Problem(409, "Edycja jest już w tej fazie.", "The edition is already in this phase.",
                      errors=[{"location": "json", "field": "phase", "message": "Bez zmian.", "message_en": "No change."}])
    if _ballot_missing(edition, phase):
        raise Problem(409, "Głosowanie nie może się zacząć bez zamrożonej karty do głosowania: najpierw zamroź kartę "
                           "(zasady i listę projektów).",
                      "Voting cannot start without a frozen ballot: freeze the ballot (rules and projects) first.",
                      type_="https://glos.pl/problems/ballot-not-frozen",
                      errors=[{"location": "json", "field": "phase", "message": "Najpierw zamroź kartę do głosowania.",
                               "message_en": "Freeze the ballot first."}])
    previous = edition.current_phase
    _move(session, edition, phase, actor=actor)
    session.add(AuditEntry(actor=actor, action="edition.phase_changed", target=str(edition.id), reason=reason,
                           details={"from": previous, "to": phase}))
    return edition


def _move(session: Session, edition: Edition, phase: str, *, actor: str) -> None:
    previous = edition.current_phase
    edition.current_phase = phase
    edition.phase_changed_at = now()
    events.phase_changed(session, edition, previous, actor=actor)


def due_phase(schedule: list[EditionPhase], current: str, at: datetime) -> str | None:
    """The latest phase whose start has passed, if it comes after the current one."""
    started = [p.phase for p in schedule if p.starts_at <= at]
    if not started:
        return None
    latest = max(started, key=PHASES.index)
    return latest if PHASES.index(latest) > PHASES.index(current) else None


def advance_due_editions(factory: sessionmaker, at: datetime | None = None) -> int:
    """One pass of the scheduler: every edition whose next phase has started moves to it. Each edition in its
    own transaction, locked, so two workers never announce the same change twice."""
    at = at or now()
    with session_scope(factory) as session:
        candidates = session.scalars(select(EditionPhase.edition_id).where(EditionPhase.starts_at <= at)
                                     .distinct()).all()
    moved = 0
    for edition_id in candidates:
        with session_scope(factory) as session:
            edition = session.get(Edition, edition_id, with_for_update={"skip_locked": True})
            if edition is None:
                continue
            target = due_phase(schedule_of(session, edition_id), edition.current_phase, at)
            if target is not None and _ballot_missing(edition, target):
                # the schedule says vote, but there is nothing to vote on: stay, and say so until someone freezes it
                log.warning("edition %s: voting is due but the ballot is not frozen; phase stays %s", edition_id,
                            edition.current_phase)
                continue
            if target is not None:
                log.info("edition %s: phase %s -> %s (scheduled)", edition_id, edition.current_phase, target)
                _move(session, edition, target, actor="scheduler")
                moved += 1
    return moved


class PhaseScheduler:
    """The worker loop: checks the schedules every `interval_s` seconds."""

    def __init__(self, factory: sessionmaker, interval_s: float = 2.0):
        self.factory = factory
        self.interval_s = interval_s

    def run(self, stop) -> None:
        while not stop.is_set():
            try:
                advance_due_editions(self.factory)
            except Exception:  # a database hiccup must not kill the worker; the next pass retries
                log.exception("phase scheduler pass failed")
            stop.wait(self.interval_s)


def open_until(session: Session, edition: Edition, phase: str) -> tuple[bool, datetime | None]:
    """Whether the edition is in `phase` with its end (if dated) still ahead, and that end."""
    dated = next((p for p in schedule_of(session, edition.id) if p.phase == phase), None)
    ends = dated.ends_at if dated is not None else None
    return edition.current_phase == phase and (ends is None or now() < ends), ends


def require_open(session: Session, edition: Edition, phase: str, *, field: str = "_phase") -> None:
    """Refuse unless the edition is in `phase` and, if the phase is dated, its end has not passed."""
    dated = next((p for p in schedule_of(session, edition.id) if p.phase == phase), None)
    moment = now()
    if dated is not None and moment >= dated.ends_at:
        raise Problem(409, f"Termin fazy „{PHASE_NAMES_PL[phase]}” minął {dated.ends_at:%Y-%m-%d %H:%M} UTC.",
                      f"The '{phase}' phase ended at {dated.ends_at.isoformat()}.",
                      type_="https://glos.pl/problems/deadline-passed",
                      errors=[{"location": "phase", "field": field, "message": "Termin minął.",
                               "message_en": "The deadline has passed."}])
    if edition.current_phase != phase:
        raise Problem(409, f"Edycja jest w fazie „{PHASE_NAMES_PL.get(edition.current_phase, edition.current_phase)}”, "
                           f"a nie „{PHASE_NAMES_PL[phase]}”.",
                      f"The edition is in the '{edition.current_phase}' phase, not '{phase}'.",
                      type_="https://glos.pl/problems/wrong-phase",
                      errors=[{"location": "phase", "field": field, "message": "Niewłaściwa faza.",
                               "message_en": "Wrong phase."}])
