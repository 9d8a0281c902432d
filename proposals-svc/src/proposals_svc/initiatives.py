"""Local initiatives (inicjatywa lokalna): residents carry out a public task together with the city,
bringing their own work, goods or money. The pipeline is the proposals' one without a vote — submission,
formal and substantive verification, change requests, appeals — and then:

    qualified ──scoring against the city's criteria──▶ scored ──terms──▶ terms_proposed ──applicant──▶ agreed
        │ (below the minimum score: rejected)                               │ refused: terms_refused (new terms)
                                                                            ▼
                                                              implementation monitoring (planned…)
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events, implementation, phases
from .lifecycle import settings_of
from .models import AuditEntry, Edition, InitiativeTerms, Proposal, Review
from .problems import field_error, forbidden
from .verification import reject, require_status


def _require_initiative(edition: Edition) -> None:
    if edition.kind != "local_initiative":
        raise Problem(409, "To nie jest nabór inicjatyw lokalnych.", "This is not a local-initiative programme.",
                      type_="https://glos.pl/problems/wrong-kind")


def score(session: Session, edition: Edition, proposal: Proposal, *, actor: str, scores: dict, reason: str) -> Review:
    _require_initiative(edition)
    require_status(proposal, "qualified")
    settings = settings_of(edition)
    criteria = {c["code"]: c for c in settings["scoring_criteria"]}
    errors = [field_error(f"scores.{code}", f"Oceń kryterium: {c['label']}.", f"Score: {c['label_en']}.")
              for code, c in criteria.items() if code not in scores]
    errors += [field_error(f"scores.{code}", "Nie ma takiego kryterium.", "No such criterion.")
               for code in scores if code not in criteria]
    errors += [field_error(f"scores.{code}.points", f"Najwyżej {criteria[code]['max_points']} pkt.",
                      f"At most {criteria[code]['max_points']} points.")
               for code, s in scores.items() if code in criteria and s["points"] > criteria[code]["max_points"]]
    if errors:
        raise Problem(422, "Ocena według kryteriów jest niepełna lub błędna.", "The scoring is incomplete or wrong.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    total = sum(s["points"] for s in scores.values())
    passed = total >= settings["min_score"]
    if passed:
        proposal.status = "scored"
    else:
        reject(proposal, "substantive", f"Ocena {total} pkt, wymagane {settings['min_score']} pkt.")
    review = Review(proposal_id=proposal.id, stage="scoring", reviewer=actor, outcome="positive" if passed else "negative",
                    findings={"scores": {code: dict(s) for code, s in scores.items()}, "total": total,
                              "min_score": settings["min_score"]}, reason=reason or f"{total} pkt")
    session.add(review)
    session.add(AuditEntry(actor=actor, action="initiative.scored", target=str(proposal.id), reason=review.reason,
                           details={"total": total, "passed": passed}))
    events.proposal_event(session, "proposal.verified", proposal, stage="scoring", outcome=review.outcome, total=total)
    return review


def propose_terms(session: Session, edition: Edition, proposal: Proposal, *, actor: str, terms: dict,
                  reason: str) -> InitiativeTerms:
    _require_initiative(edition)
    require_status(proposal, "scored", "terms_refused")
    offer = InitiativeTerms(proposal_id=proposal.id, terms=json.loads(json.dumps(terms, default=str)), proposed_by=actor)
    session.add(offer)
    proposal.status = "terms_proposed"
    session.flush()
    session.add(AuditEntry(actor=actor, action="initiative.terms_proposed", target=str(proposal.id), reason=reason,
                           details={"terms": offer.terms}))
    events.proposal_event(session, "initiative.terms_proposed", proposal, terms_id=str(offer.id), terms=offer.terms)
    return offer


def answer_terms(session: Session, proposal: Proposal, offer: InitiativeTerms, *, actor: str, accept: bool,
                 note: str) -> InitiativeTerms:
    if proposal.author != actor:
        raise forbidden("Na warunki odpowiada wnioskodawca.", "Only the applicant answers the terms.")
    if offer.status != "proposed":
        raise Problem(409, "Na te warunki już odpowiedziano.", "These terms were already answered.")
    offer.status, offer.response_note, offer.responded_at = ("accepted" if accept else "refused"), note, phases.now()
    if accept:
        implementation.start(session, proposal, kind="local_initiative")  # status → agreed, monitoring opens
    else:
        proposal.status = "terms_refused"
        events.proposal_event(session, "initiative.terms_refused", proposal, terms_id=str(offer.id))
    return offer


def terms_of(session: Session, proposal: Proposal) -> list[InitiativeTerms]:
    return list(session.scalars(select(InitiativeTerms).where(InitiativeTerms.proposal_id == proposal.id)
                                .order_by(InitiativeTerms.created_at)))
