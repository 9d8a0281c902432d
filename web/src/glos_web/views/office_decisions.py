"""Decisions that close an edition's verification, in the office console: conflicts between proposals (the
locations within 100 m found by proposals-svc, and two proposals marked mutually exclusive) resolved with a
reason; appeals against negative verifications decided with a justification, beside the rejected proposals
whose appeal deadline has not yet passed; and the lists of qualified and
rejected proposals published once nothing is left undecided. proposals-svc refuses what is not yet allowed
(lists with an appeal pending, a ballot with a conflict open) and the page shows its reason."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..api import ApiError
from ..clients import proposals_api
from .common import REJECTED_STATUSES, STATUS_NAMES, appeal_deadline, form_errors, role_required, token

bp = Blueprint("office_decisions", __name__, url_prefix="/urzad/edycje")

# the participation office decides these; department reviewers do not
office_required = role_required("pb_official", "coordinator")


def _titles(eid) -> dict[str, str]:
    return {p["id"]: p["title"] for p in proposals_api.proposals(eid, token=token())}


@bp.route("/<uuid:eid>/konflikty", methods=["GET", "POST"])
@office_required
def conflicts(eid):
    edition = proposals_api.edition(eid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "check":
                found = proposals_api.check_conflicts(eid, token=token())
                flash(ngettext("Sprawdzono odległości: %(num)s nowy konflikt.",
                               "Sprawdzono odległości: %(num)s nowych konfliktów.", len(found)), "success")
            elif action == "resolve":
                conflict_id = request.form.get("conflict", "")
                field = f"resolution-{conflict_id}"
                values = {field: request.form.get(field, "").strip()}
                try:
                    proposals_api.resolve_conflict(eid, conflict_id, token=token(),
                                                   json={"resolution": values[field]})
                except ApiError as exc:
                    found_errors, status = form_errors(exc)
                    errors = {field if name == "resolution" else name: message
                              for name, message in found_errors.items()}
                    raise
                flash(_("Konflikt rozstrzygnięty."), "success")
            return redirect(url_for("office_decisions.conflicts", eid=eid))
        except ApiError as exc:
            if not errors:
                errors, status = form_errors(exc)
    found = proposals_api.conflicts(eid, token=token())
    return render_template("office/conflicts.html", edition=edition, conflicts=found, titles=_titles(eid),
                           values=values, errors=errors), status


@bp.route("/<uuid:eid>/odwolania", methods=["GET", "POST"])
@office_required
def appeals(eid):
    edition = proposals_api.edition(eid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        pid, appeal_id = request.form.get("proposal", ""), request.form.get("appeal", "")
        field = f"justification-{appeal_id}"
        values = {field: request.form.get(field, "").strip(), f"upheld-{appeal_id}": request.form.get("upheld", "")}
        upheld = {"yes": True, "no": False}.get(request.form.get("upheld", ""))
        if upheld is None:
            errors, status = {f"upheld-{appeal_id}": _("Wybierz, czy odwołanie jest zasadne.")}, 422
        else:
            try:
                decided = proposals_api.decide_appeal(pid, appeal_id, token=token(),
                                                      json={"upheld": upheld, "justification": values[field]})
                flash(_("Odwołanie uwzględnione; wniosek wraca do weryfikacji.") if decided["status"] == "upheld"
                      else _("Odwołanie oddalone."), "success")
                return redirect(url_for("office_decisions.appeals", eid=eid))
            except ApiError as exc:
                found_errors, status = form_errors(exc)
                errors = {field if name == "justification" else name: message for name, message in found_errors.items()}
    appealed = proposals_api.proposals(eid, params={"status": "appealed"}, token=token())
    for proposal in appealed:
        proposal["appeals"] = proposals_api.appeals(proposal['id'], token=token())
    # the rejected proposals whose authors may still appeal, and until when: the lists wait for these too
    now = datetime.now(UTC)
    rejected = []
    for wanted in REJECTED_STATUSES:
        for proposal in proposals_api.proposals(eid, params={"status": wanted}, token=token()):
            deadline = appeal_deadline(proposal, edition)
            rejected.append({**proposal, "appeal_by": deadline,
                             "appeal_open": bool(deadline) and datetime.fromisoformat(deadline) > now})
    rejected.sort(key=lambda p: p["appeal_by"] or "")
    return render_template("office/appeals.html", edition=edition, proposals=appealed, rejected=rejected,
                           values=values, errors=errors, status_names=STATUS_NAMES), status


@bp.route("/<uuid:eid>/listy", methods=["GET", "POST"])
@office_required
def lists(eid):
    edition = proposals_api.edition(eid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {"reason": request.form.get("reason", "").strip()}
        try:
            proposals_api.publish_lists(eid, token=token(), json=values)
            flash(_("Listy opublikowane."), "success")
            return redirect(url_for("office_decisions.lists", eid=eid))
        except ApiError as exc:
            errors, status = form_errors(exc)
    try:
        published = proposals_api.lists(eid)
    except ApiError as exc:
        if exc.status != 404:
            raise
        published = None  # not published yet: the page offers to publish them
    return render_template("office/lists.html", edition=edition, published=published, values=values,
                           errors=errors), status
