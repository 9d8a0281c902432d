"""Verification of submitted proposals, as the office does it.

    submitted ──formal──▶ formally_accepted ──assign──▶ in_review ──department──▶ qualified
        │                        ▲                          │ (returned to the office)
        ▼                        └──────────────────────────┘
    formally_rejected                                substantively_rejected
        └──────────────── appeal (within N days) ◀───────────┘
                 upheld: back to the stage appealed against · dismissed: rejected

Formal verification follows the edition's checklist; the support list is always an item, counted here.
Substantive verification is done by the department the proposal is assigned to: only reviewers whose
department_reviewer role is scoped to that department may record it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from . import events, phases
from .lifecycle import settings_of, support_count
from .problems import field_error, forbidden
from .models import Appeal, AuditEntry, Department, Edition, Proposal, Review

REJECTED = ("formally_rejected", "substantively_rejected", "rejected")


def require_status(proposal: Proposal, *allowed: str) -> None:
    if proposal.status not in allowed:
        raise Problem(409, f"Wniosek ma status „{proposal.status}”; ta czynność wymaga: {', '.join(allowed)}.",
                      f"The proposal is '{proposal.status}'; this needs: {', '.join(allowed)}.",
                      type_="https://glos.pl/problems/wrong-status",
                      errors=[{"location": "proposal", "field": "status", "message": proposal.status,
                               "message_en": proposal.status}])


def _audit(session: Session, actor: str, action: str, proposal: Proposal, reason: str, **details) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=str(proposal.id), reason=reason, details=details))


def reject(proposal: Proposal, stage: str, reason: str) -> None:
    proposal.status = {"formal": "formally_rejected", "substantive": "substantively_rejected"}[stage]
    proposal.rejection_stage = stage
    proposal.rejection_reason = reason
    proposal.decided_at = phases.now()


def formal_verification(session: Session, edition: Edition, proposal: Proposal, *, actor: str, items: dict,
                        reason: str) -> Review:
    """`items` maps every checklist code to {"passed": bool, "note": str}. A failed item needs a note."""
    require_status(proposal, "submitted")
    checklist = settings_of(edition)["formal_checklist"]
    errors = [field_error(f"items.{item['code']}", f"Oceń punkt: {item['label']}.", f"Assess: {item['label_en']}.")
              for item in checklist if item["code"] not in items]
    errors += [field_error(f"items.{code}", "Nie ma takiego punktu na liście kontrolnej.", "Not a checklist item.")
               for code in items if code not in {item["code"] for item in checklist}]
    errors += [field_error(f"items.{code}.note", "Podaj powód negatywnej oceny.", "Give the reason for the failure.")
               for code, verdict in items.items() if not verdict["passed"] and not verdict.get("note", "").strip()]
    if errors:
        raise Problem(422, "Ocena formalna jest niepełna.", "The formal assessment is incomplete.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    findings = {code: dict(verdict) for code, verdict in items.items()}
    supporters, required = support_count(session, proposal.id), settings_of(edition)["support_required"]
    # the support list decides too, and the form shows it; while the call for proposals is open it can still
    # grow, so falling short is not yet a reason to reject
    collecting, collecting_until = phases.open_until(session, edition, "submission")
    short = supporters < required
    findings["support"] = {"passed": not short, "supporters": supporters, "required": required,
                           "note": f"Lista poparcia: {supporters} z wymaganych {required} podpisów." if short else ""}
    failed = {code: f for code, f in findings.items() if not f["passed"] and not (code == "support" and collecting)}
    if short and collecting and not failed:
        until = f" (do {collecting_until:%Y-%m-%d %H:%M} UTC)" if collecting_until else ""
        raise Problem(409, f"Lista poparcia ma {supporters} z wymaganych {required} podpisów i może jeszcze rosnąć, "
                           f"bo nabór trwa{until}. Ocenę formalną zapisz po zakończeniu zbierania podpisów.",
                      f"The support list has {supporters} of the {required} signatures needed and can still grow while "
                      "the call for proposals is open. Record the formal assessment when collecting ends.",
                      type_="https://glos.pl/problems/support-still-collecting",
                      errors=[field_error("support", f"{supporters} z {required} podpisów; zbieranie trwa.",
                                          f"{supporters} of {required} signatures; still collecting.")])
    if collecting and short:
        findings["support"]["note"] += " Zbieranie podpisów jeszcze trwa — nie jest to powód odrzucenia."
    labels = {item["code"]: item["label"] for item in checklist}
    reasons = [f"{labels[code]}: {f['note']}" if code in labels else f["note"] for code, f in failed.items()]
    outcome = "negative" if failed else "positive"
    if failed:
        reject(proposal, "formal", "; ".join(reasons))
    else:
        proposal.status = "formally_accepted"
    review = Review(proposal_id=proposal.id, stage="formal", reviewer=actor, outcome=outcome, findings=findings,
                    reason=proposal.rejection_reason if failed else reason)
    session.add(review)
    _audit(session, actor, "proposal.formal_verification", proposal, review.reason or f"ocena formalna: {outcome}",
           outcome=outcome, failed=sorted(failed))
    appeal_by = (proposal.decided_at + timedelta(days=settings_of(edition)["appeal_days"])).isoformat() if failed else None
    events.proposal_event(session, "proposal.verified", proposal, stage="formal", outcome=outcome,
                          failed_items={code: f["note"] for code, f in failed.items()}, reasons=reasons,
                          appeal_by=appeal_by)
    return review


def assign_department(session: Session, proposal: Proposal, *, code: str, actor: str, reason: str) -> Proposal:
    require_status(proposal, "formally_accepted", "in_review")
    if session.get(Department, code) is None:
        raise Problem(422, "Nie ma takiej komórki merytorycznej.", "No such department.",
                      type_="https://glos.pl/problems/validation", errors=[field_error("department", "Nieznana komórka.",
                                                                                   "Unknown department.")])
    proposal.department_code = code
    proposal.status = "in_review"
    _audit(session, actor, "proposal.assigned", proposal, reason, department=code)
    events.proposal_event(session, "proposal.assigned", proposal, department=code)
    return proposal


def reviewer_departments(principal: Principal) -> set[str]:
    return set((principal.claims.get("scopes") or {}).get("department_reviewer", []))


def require_department(principal: Principal, proposal: Proposal) -> None:
    """Only a reviewer of the department the proposal is assigned to (the office's officials see everything)."""
    if "pb_official" in principal.roles or "coordinator" in principal.roles:
        return
    if proposal.department_code is None or proposal.department_code not in reviewer_departments(principal):
        raise forbidden("Ten wniosek nie jest przypisany do Twojej komórki.",
                         "This proposal is not assigned to your department.")


def substantive_review(session: Session, proposal: Proposal, *, principal: Principal, outcome: str, findings: dict,
                       city_cost_estimate: int | None, reason: str) -> Review:
    if "department_reviewer" not in principal.roles:
        raise forbidden("Ocenę merytoryczną wydaje komórka merytoryczna.", "A department records the review.")
    require_department(principal, proposal)
    require_status(proposal, "in_review")
    if outcome == "positive" and city_cost_estimate is None:
        raise Problem(422, "Podaj szacunkowy koszt według miasta.", "Give the city's cost estimate.",
                      type_="https://glos.pl/problems/validation",
                      errors=[field_error("city_cost_estimate", "Wymagany przy ocenie pozytywnej.", "Required when positive.")])
    if outcome != "positive" and not reason.strip():
        raise Problem(422, "Podaj uzasadnienie.", "Give the justification.", type_="https://glos.pl/problems/validation",
                      errors=[field_error("reason", "Wymagane.", "Required.")])
    if outcome == "positive":
        proposal.status = "qualified"
        proposal.city_cost_estimate = city_cost_estimate
    elif outcome == "negative":
        reject(proposal, "substantive", reason)
    else:  # returned: the office takes it back (wrong department, a change to agree first)
        proposal.status = "formally_accepted"
        proposal.department_code = None
    review = Review(proposal_id=proposal.id, stage="substantive", department_code=proposal.department_code,
                    reviewer=principal.subject, outcome=outcome, findings=findings, reason=reason)
    if city_cost_estimate is not None:
        review.findings = {**findings, "city_cost_estimate": city_cost_estimate}
    session.add(review)
    _audit(session, principal.subject, "proposal.substantive_review", proposal,
           reason or f"ocena merytoryczna: {outcome}", outcome=outcome)
    events.proposal_event(session, "proposal.verified", proposal, stage="substantive", outcome=outcome,
                          reason=reason)
    return review


def reviews_of(session: Session, proposal: Proposal) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.proposal_id == proposal.id).order_by(Review.created_at)))


def file_appeal(session: Session, edition: Edition, proposal: Proposal, *, actor: str, statement: str) -> Appeal:
    if proposal.author != actor:
        raise forbidden("Odwołanie składa autor wniosku.", "Only the proposal's author can appeal.")
    require_status(proposal, "formally_rejected", "substantively_rejected")
    deadline = proposal.decided_at + timedelta(days=settings_of(edition)["appeal_days"])
    if phases.now() > deadline:
        raise Problem(409, f"Termin na odwołanie minął {deadline:%Y-%m-%d %H:%M} UTC.",
                      f"The appeal deadline passed at {deadline.isoformat()}.",
                      type_="https://glos.pl/problems/deadline-passed")
    appeal = Appeal(proposal_id=proposal.id, stage=proposal.rejection_stage, statement=statement, filed_by=actor)
    session.add(appeal)
    proposal.status = "appealed"
    session.flush()
    events.proposal_event(session, "proposal.appealed", proposal, appeal_id=str(appeal.id), stage=appeal.stage)
    return appeal


def decide_appeal(session: Session, proposal: Proposal, appeal: Appeal, *, actor: str, upheld: bool,
                  justification: str) -> Appeal:
    if appeal.status != "pending":
        raise Problem(409, "Odwołanie zostało już rozpatrzone.", "The appeal was already decided.")
    appeal.status = "upheld" if upheld else "dismissed"
    appeal.decided_by, appeal.justification, appeal.decided_at = actor, justification, phases.now()
    if upheld:  # back to the stage it failed at, to be verified again
        proposal.status = "submitted" if appeal.stage == "formal" else "in_review"
        proposal.rejection_reason = proposal.rejection_stage = None
    else:
        proposal.status = "rejected"
        proposal.rejection_reason = f"{proposal.rejection_reason} (odwołanie oddalone: {justification})"
    _audit(session, actor, "appeal.decided", proposal, justification, appeal=str(appeal.id), upheld=upheld)
    events.proposal_event(session, "proposal.appeal_decided", proposal, appeal_id=str(appeal.id), upheld=upheld,
                          justification=justification)
    return appeal
