"""Change requests (uzgodnienia z wnioskodawcą) and the versions they make.

An official proposes a change to a submitted proposal — its cost lines, scope (title, description), or
location, or a merge with other proposals of the same area — with a reason and a deadline. The applicant
accepts or refuses; a merge needs every merged proposal's applicant too. An accepted change makes a new
version; every version is kept whole, and any two can be compared field by field. Merged proposals end as
`merged`, and their supporters count for the proposal they joined.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events, phases
from .lifecycle import apply_content, completeness_errors, content_of, settings_of
from .problems import field_error, forbidden
from .models import AuditEntry, ChangeRequest, Edition, Proposal, ProposalVersion, Support

CHANGEABLE = ("formally_accepted", "in_review", "qualified")


def request_change(session: Session, edition: Edition, proposal: Proposal, *, actor: str, changes: dict,
                   reason: str) -> ChangeRequest:
    if proposal.status not in CHANGEABLE:
        raise Problem(409, f"Wniosku o statusie „{proposal.status}” nie można teraz zmieniać.",
                      f"A proposal that is '{proposal.status}' cannot be changed now.",
                      type_="https://glos.pl/problems/wrong-status")
    if not changes:
        raise Problem(422, "Wskaż, co ma się zmienić.", "Say what should change.",
                      type_="https://glos.pl/problems/validation", errors=[field_error("changes", "Puste.", "Empty.")])
    pending = session.scalar(select(ChangeRequest.id).where(ChangeRequest.proposal_id == proposal.id,
                                                            ChangeRequest.status == "pending"))
    if pending is not None:
        raise Problem(409, "Poprzednia propozycja zmian czeka na odpowiedź wnioskodawcy.",
                      "An earlier change request awaits the applicant's answer.")
    consents = {proposal.author: None}
    for n, other_id in enumerate(changes.get("merge_with", [])):
        other = session.get(Proposal, other_id, with_for_update=True)
        if (other is None or other.id == proposal.id or other.edition_id != proposal.edition_id
                or other.area_id != proposal.area_id or other.status not in CHANGEABLE):
            raise Problem(422, "Połączyć można tylko wnioski z tego samego obszaru, w trakcie weryfikacji.",
                          "Only proposals of the same area, still being verified, can be merged.",
                          type_="https://glos.pl/problems/validation",
                          errors=[field_error(f"changes.merge_with.{n}", "Tego wniosku nie można dołączyć.",
                                         "This proposal cannot be merged.")])
        consents[other.author] = None
    days = settings_of(edition)["change_request_days"]
    request = ChangeRequest(proposal_id=proposal.id, requested_by=actor, reason=reason, consents=consents,
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
    if "merge_with" in out:
        out["merge_with"] = [str(m) for m in out["merge_with"]]
    return out


def respond(session: Session, edition: Edition, proposal: Proposal, request: ChangeRequest, *, actor: str,
            accept: bool, note: str) -> ChangeRequest:
    if actor not in request.consents:
        raise forbidden("Na propozycję zmian odpowiadają autorzy wniosków, których dotyczy.",
                         "Only the applicants concerned answer a change request.")
    if request.status != "pending":
        raise Problem(409, "Na tę propozycję już odpowiedziano.", "This change request was already answered.")
    if request.consents[actor] is not None:
        raise Problem(409, "Już odpowiedziałeś(-aś) na tę propozycję.", "You have already answered.")
    if phases.now() > request.respond_by:
        raise Problem(409, f"Termin odpowiedzi minął {request.respond_by:%Y-%m-%d %H:%M} UTC.",
                      f"The answer was due by {request.respond_by.isoformat()}.",
                      type_="https://glos.pl/problems/deadline-passed")
    request.consents = {**request.consents, actor: accept}
    request.response_note = "\n".join(filter(None, [request.response_note, note]))
    if not accept:
        request.status, request.responded_at = "refused", phases.now()
        events.proposal_event(session, "proposal.change_refused", proposal, change_request_id=str(request.id),
                              refused_by=actor)
    elif all(request.consents.values()):
        _apply(session, edition, proposal, request, actor=actor)
    return request


def _apply(session: Session, edition: Edition, proposal: Proposal, request: ChangeRequest, *, actor: str) -> None:
    changed_fields = {name: value for name, value in request.changes.items() if name != "merge_with"}
    apply_content(session, proposal, changed_fields)
    errors = completeness_errors(session, edition, proposal)
    if errors:  # the official's change would break the proposal: refuse it whole, nothing applied
        raise Problem(422, "Zmiana uczyniłaby wniosek niekompletnym.", "The change would make the proposal incomplete.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    merged = [session.get(Proposal, uuid.UUID(m), with_for_update=True) for m in request.changes.get("merge_with", [])]
    for other in merged:
        other.status = "merged"
        other.rejection_reason = f"połączony z wnioskiem „{proposal.title}” ({proposal.id})"
        session.execute(insert(Support).from_select(
            ["proposal_id", "supporter_ref", "channel"],
            select(literal(proposal.id), Support.supporter_ref, Support.channel).where(Support.proposal_id == other.id))
            .on_conflict_do_nothing())
        events.proposal_event(session, "proposal.merged", other, into=str(proposal.id))
    proposal.version += 1
    content = content_of(proposal)
    if merged:
        content["merged"] = [str(m.id) for m in merged]
    session.add(ProposalVersion(proposal_id=proposal.id, version=proposal.version, content=content, created_by=actor,
                                reason=f"uzgodnienie: {request.reason}"))
    request.status, request.resulting_version, request.responded_at = "accepted", proposal.version, phases.now()
    events.proposal_event(session, "proposal.changed", proposal, change_request_id=str(request.id),
                          cost=proposal.cost, title=proposal.title, merged=[str(m.id) for m in merged])


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
