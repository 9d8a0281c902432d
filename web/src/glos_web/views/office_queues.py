"""Verification queues in the office console: an edition's proposals by status for PB officials, the formal
verification against the edition's checklist, the assignment to a department, and a department reviewer's own
queue with the substantive review and the city's cost estimate; for a local initiative, the scoring against
the city's criteria and the terms offered to the applicant. A reviewer is shown only their departments'
queues; proposals-svc refuses anything else (a proposal of another department answers 403)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import auth
from ..api import ApiError
from ..clients import proposals_api
from .common import STATUS_NAMES, appeal_deadline, role_required, token

bp = Blueprint("office_queues", __name__, url_prefix="/urzad")

QUEUE_ROLES = ("pb_official", "coordinator", "department_reviewer")


queue_required = role_required(*QUEUE_ROLES)

TERMS_STATUS_NAMES = {"proposed": _l("czeka na odpowiedź"), "accepted": _l("przyjęte"), "refused": _l("odrzucone")}
CHANGE_STATUS_NAMES = {"pending": _l("czeka na odpowiedź"), "accepted": _l("przyjęta"), "refused": _l("odrzucona"),
                       "expired": _l("termin minął")}


@bp.get("/edycje/<uuid:eid>/weryfikacja")
@queue_required
def edition_queue(eid):
    if not auth.current_user().has("pb_official", "coordinator"):
        abort(403)  # a reviewer works from their department's queue
    status = request.args.get("status", "submitted")
    edition = proposals_api.edition(eid)
    found = proposals_api.proposals(eid, params={"status": status})
    return render_template("office/queue.html", edition=edition, proposals=found, status=status,
                           status_names=STATUS_NAMES)


@bp.get("/komorki")
@queue_required
def my_departments():
    """A reviewer's departments (from their token's scope); officials see every department."""
    departments = proposals_api.departments()
    if not auth.current_user().has("pb_official", "coordinator"):
        mine = set(auth.current_scopes().get("department_reviewer", []))
        departments = [d for d in departments if d["code"] in mine]
    return render_template("office/departments.html", departments=departments)


@bp.get("/komorki/<code>")
@queue_required
def department_queue(code):
    found = proposals_api.department_proposals(code, token=token())
    return render_template("office/department.html", code=code, proposals=found, status_names=STATUS_NAMES)


def _number(text: str):
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    return int(cleaned) if cleaned.isdigit() else (cleaned or None)


class CostLinesInvalid(ValueError):
    pass


def _proposed_changes(values: dict) -> dict:
    """The change form → the API's `changes`: only the fields the official filled in. Cost items are typed one
    a line, "name: amount"; a line that is not one is refused here, by its number."""
    changes = {name: values[f"changes_{name}"] for name in ("title", "description", "location_address")
               if values.get(f"changes_{name}")}
    lines = [line for line in values.get("changes_cost_items", "").splitlines() if line.strip()]
    items = []
    for number, line in enumerate(lines, start=1):
        name, _sep, amount = line.rpartition(":")
        if not name.strip() or _number(amount) is None or not isinstance(_number(amount), int):
            raise CostLinesInvalid(_("Wiersz %(n)s: wpisz „nazwa: kwota w złotych”.", n=number))
        items.append({"name": name.strip(), "amount": _number(amount)})
    if items:
        changes["cost_items"] = items
    return changes


def _scores(edition: dict, values: dict) -> dict:
    """The scoring form → the API's `scores`: the criteria given points (a criterion left empty is left out,
    so proposals-svc names it as missing; points that are not a number are sent as typed, for it to refuse)."""
    scores = {}
    for criterion in edition["settings"]["scoring_criteria"]:
        typed = values.get(f"scores_{criterion['code']}_points", "")
        if typed:
            scores[criterion["code"]] = {"points": _number(typed), "note": values.get(f"scores_{criterion['code']}_note", "")}
    return scores


# a review as staff and applicants read it (never "formal — negative")
REVIEW_STAGES = {"formal": _l("Ocena formalna"), "substantive": _l("Ocena merytoryczna"), "scoring": _l("Ocena punktowa")}
REVIEW_OUTCOMES = {"positive": _l("pozytywna"), "negative": _l("negatywna"),
                   "returned": _l("do uzupełnienia przez wnioskodawcę")}


@bp.route("/wnioski/<uuid:pid>", methods=["GET", "POST"])
@queue_required
def proposal(pid):
    found = proposals_api.proposal(pid, token=token())
    edition = proposals_api.edition(found['edition_id'])
    checklist = edition["settings"]["formal_checklist"]
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        values = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
        try:
            if action == "formal":
                items = {item["code"]: {"passed": values.get(f"items_{item['code']}") == "yes",
                                        "note": values.get(f"items_{item['code']}_note", "")}
                         for item in checklist if values.get(f"items_{item['code']}")}
                review = proposals_api.verify_formally(pid, token=token(),
                                                       json={"items": items, "reason": values.get("reason", "")})
                flash(_("Ocena formalna zapisana: pozytywna.") if review["outcome"] == "positive"
                      else _("Ocena formalna zapisana: negatywna; wnioskodawca dostaje powody."), "success")
            elif action == "assign":
                proposals_api.assign_proposal(pid, token=token(), json={
                    "department": values.get("department", ""),
                    "reason": values.get("assign_reason") or "przekazanie do weryfikacji merytorycznej"})
                flash(_("Wniosek przekazany do komórki %(code)s.", code=values.get("department")), "success")
            elif action == "review":
                findings = {name: {"ok": values.get(f"{name}_ok") == "yes", "note": values.get(f"{name}_note", "")}
                            for name in ("feasibility", "legal", "ownership")}
                proposals_api.review(pid, token=token(), json={
                    "outcome": values.get("outcome"), **findings,
                    "city_cost_estimate": _number(values.get("city_cost_estimate", "")),
                    "reason": values.get("review_reason", "")})
                flash(_("Ocena merytoryczna zapisana."), "success")
            elif action == "score":
                review = proposals_api.score(pid, token=token(), json={
                    "scores": _scores(edition, values), "reason": values.get("score_reason", "")})
                flash(_("Ocena zapisana: %(total)s pkt (wymagane %(min)s).", total=review["findings"]["total"],
                        min=review["findings"]["min_score"]), "success")
            elif action == "terms":
                proposals_api.propose_terms(pid, token=token(), json={
                    "terms": {"city_contribution": _number(values.get("terms_city_contribution", "")),
                              "applicant_obligations": values.get("terms_applicant_obligations", ""),
                              "starts_on": values.get("terms_starts_on") or None,
                              "ends_on": values.get("terms_ends_on") or None},
                    "reason": values.get("terms_reason", "")})
                flash(_("Warunki wysłane wnioskodawcy."), "success")
            elif action == "change":
                changes = _proposed_changes(values)
                proposals_api.request_changes(pid, token=token(),
                                              json={"changes": changes, "reason": values.get("change_reason", "")})
                flash(_("Propozycja zmian wysłana wnioskodawcy."), "success")
            return redirect(url_for("office_queues.proposal", pid=pid))
        except CostLinesInvalid as exc:
            errors, status = {"changes_cost_items": str(exc)}, 422
        except ApiError as exc:
            errors = {"_form": exc.message(), **exc.field_errors()}
            # each form names its own reason field; the API calls every one of them `reason`
            form_reason = {"change": "change_reason", "score": "score_reason", "terms": "terms_reason"}.get(action)
            if form_reason and "reason" in errors:
                errors[form_reason] = errors.pop("reason")
            status = exc.status
    reviews = proposals_api.reviews(pid, token=token())
    change_requests = (proposals_api.change_requests(pid, token=token())
                       if auth.current_user().has("pb_official", "coordinator") else [])
    departments = proposals_api.departments()
    initiative = edition.get("kind") == "local_initiative"
    terms = (proposals_api.terms(pid, token=token())
             if initiative and auth.current_user().has("pb_official", "coordinator") else [])
    support = proposals_api.support(pid, token=token())
    return render_template("office/proposal.html", p=found, edition=edition, checklist=checklist, reviews=reviews,
                           supporters=support["supporters"],
                           review_stages=REVIEW_STAGES, review_outcomes=REVIEW_OUTCOMES,
                           departments=departments, values=values, errors=errors, status_names=STATUS_NAMES,
                           change_requests=change_requests, change_status_names=CHANGE_STATUS_NAMES,
                           initiative=initiative, terms=terms, terms_status_names=TERMS_STATUS_NAMES,
                           appeal_by=appeal_deadline(found, edition)), status
