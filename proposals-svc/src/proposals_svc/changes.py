"""Change requests (uzgodnienia z wnioskodawcą) and the versions they make.

An official proposes a change to a submitted proposal — its cost lines, scope (title, description), or
location — with a reason and a deadline. The applicant accepts or refuses. An accepted change makes a new
version; every version is kept whole, and any two can be compared field by field.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events, phases
from .lifecycle import _apply_content, _error, _forbidden, completeness_errors, content_of, settings_of
from .models import AuditEntry, ChangeRequest, Edition, Proposal, ProposalVersion

CHANGEABLE = ("formally_accepted", "in_review", "qualified")


def request_change(session: Session, edition: Edition, proposal: Proposal, *, actor: str, changes: dict,
                   reason: str) -> ChangeRequest:
    if proposal.status not in CHANGEABLE:
        raise Problem(409, f"Wniosku o statusie „{proposal.status}” nie można teraz zmieniać.",
                      f"A proposal that is '{proposal.status}' cannot be changed now.",
                      type_="https://glos.pl/problems/wrong-status")
    if not changes:
        raise Problem(422, "Wskaż, co ma się zmienić.", "Say what should change.",
                      type_="https://glos.pl/problems/validation", errors=[_error("changes", "Puste.", "Empty.")])
    pending = session.scalar(select(ChangeRequest.id).where(ChangeRequest.proposal_id == proposal.id,
                                                            ChangeRequest.status == "pending"))
    if pending is not None:
        raise Problem(409, "Poprzednia propozycja zmian czeka na odpowiedź wnioskodawcy.",
                      "An earlier change request awaits the applicant's answer.")
    days = settings_of(edition)["change_request_days"]
    request = ChangeRequest(proposal_id=proposal.id, requested_by=actor, reason=reason,
                            changes=_as_json(changes), respond_by=phases.now() + timedelta(days=days))
    session.add(request)
    session.flush()
    session.add(AuditEntry(actor=actor, action="proposal.change_requested", target=str(proposal.id), reason=reason,
                           details={"change_request": str(request.id), "fields": sorted(changes)}))
    events.proposal_event(session, "proposal.change_requested", proposal, change_request_id=str(request.id),
                          respond_by=request.respond_by.isoformat(), fields=sorted(changes))
    return request


def _as_json(changes: dict) -> dict:
    out = dict(changes)
    if out.get("area_id") is not None:
        out["area_id"] = str(out["area_id"])
    if "coauthors" in out:
        out["coauthors"] = [str(c) for c in out["coauthors"]]
    return out


def respond(session: Session, edition: Edition, proposal: Proposal, request: ChangeRequest, *, actor: str,
            accept: bool, note: str) -> ChangeRequest:
    if proposal.author != actor:
        raise _forbidden("Na propozycję zmian odpowiada autor wniosku.", "Only the proposal's author answers.")
    if request.status != "pending":
        raise Problem(409, "Na tę propozycję już odpowiedziano.", "This change request was already answered.")
    if phases.now() > request.respond_by:
        raise Problem(409, f"Termin odpowiedzi minął {request.respond_by:%Y-%m-%d %H:%M} UTC.",
                      f"The answer was due by {request.respond_by.isoformat()}.",
                      type_="https://glos.pl/problems/deadline-passed")
    request.responded_at, request.response_note = phases.now(), note
    if accept:
        _apply_content(session, proposal, request.changes)
        errors = completeness_errors(session, edition, proposal)
        if errors:  # the official's change would break the proposal: refuse it whole, nothing applied
            raise Problem(422, "Zmiana uczyniłaby wniosek niekompletnym.", "The change would make the proposal incomplete.",
                          type_="https://glos.pl/problems/validation", errors=errors)
        proposal.version += 1
        session.add(ProposalVersion(proposal_id=proposal.id, version=proposal.version, content=content_of(proposal),
                                    created_by=actor, reason=f"uzgodnienie: {request.reason}"))
        request.status, request.resulting_version = "accepted", proposal.version
        events.proposal_event(session, "proposal.changed", proposal, change_request_id=str(request.id),
                              cost=proposal.cost, title=proposal.title)
    else:
        request.status = "refused"
        events.proposal_event(session, "proposal.change_refused", proposal, change_request_id=str(request.id))
    return request


def versions(session: Session, proposal: Proposal) -> list[ProposalVersion]:
    return list(session.scalars(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
                                .order_by(ProposalVersion.version)))


def version(session: Session, proposal: Proposal, number: int) -> ProposalVersion:
    found = session.get(ProposalVersion, (proposal.id, number))
    if found is None:
        raise Problem(404, f"Wniosek nie ma wersji {number}.", f"The proposal has no version {number}.")
    return found


def diff(older: dict, newer: dict) -> dict:
    """Each field that differs, with its value before and after."""
    return {name: {"before": older.get(name), "after": newer.get(name)}
            for name in sorted(set(older) | set(newer)) if older.get(name) != newer.get(name)}
