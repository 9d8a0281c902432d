"""Implementation monitoring in the office console: after the results, every winning project (and every agreed
local initiative) has a record its department keeps up to date — a status, a percentage that does not go back,
a dated note — which residents read on the edition's public pages. The participation office assigns each
record to a department; that department's reviewers post the updates. proposals-svc refuses an update from
another department (403) and an inconsistent one (422, by field: a status going back, progress decreasing,
`completed` below 100 %, a cancellation without its reason), and the page shows that by the field."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import auth
from ..api import ApiError
from ..clients import proposals_api
from .common import IMPLEMENTATION_NAMES, form_errors, role_required, token

bp = Blueprint("office_implementation", __name__, url_prefix="/urzad")

OFFICE = ("pb_official", "coordinator")
implementation_required = role_required(*OFFICE, "department_reviewer")


def _my_departments() -> set[str]:
    return set(auth.current_scopes().get("department_reviewer", []))


def _may_report(record: dict) -> bool:
    """Whether to offer the update form: the office, or a reviewer of the department the record is assigned to
    (the same rule proposals-svc applies; it decides again)."""
    return auth.current_user().has(*OFFICE) or record.get("department_code") in _my_departments()


@bp.get("/edycje/<uuid:eid>/realizacja")
@implementation_required
def edition_implementations(eid):
    """An edition's records for the office; a reviewer sees only those of their departments."""
    edition = proposals_api.edition(eid)
    records = proposals_api.implementations(params={"edition_id": str(eid)})
    if not auth.current_user().has(*OFFICE):
        records = [r for r in records if r.get("department_code") in _my_departments()]
    return render_template("office/implementations.html", edition=edition, records=records, code=None,
                           implementation_names=IMPLEMENTATION_NAMES)


@bp.get("/komorki/<code>/realizacja")
@implementation_required
def department_implementations(code):
    """A department's records across the editions: what its reviewers report on."""
    if not auth.current_user().has(*OFFICE) and code not in _my_departments():
        abort(403)
    names = {e["id"]: e["name"] for e in proposals_api.editions()}
    records = [{**r, "edition_name": names.get(r["edition_id"], "")}
               for r in proposals_api.implementations(params={"department": code})]
    return render_template("office/implementations.html", edition=None, records=records, code=code,
                           implementation_names=IMPLEMENTATION_NAMES)


@bp.route("/realizacja/<uuid:iid>", methods=["GET", "POST"])
@implementation_required
def implementation(iid):
    record = proposals_api.implementation(iid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        values = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
        try:
            if action == "assign":
                reason = values.get("assign_reason")  # left out when empty: proposals-svc has its own default
                proposals_api.assign_implementation(iid, token=token(), json={
                    "department": values.get("department", ""), **({"reason": reason} if reason else {})})
                flash(_("Realizację przypisano komórce %(code)s.", code=values.get("department")), "success")
            else:
                progress = values.get("progress", "")
                proposals_api.report_implementation_progress(iid, token=token(), json={
                    "status": values.get("status", ""), "note": values.get("note", ""),
                    # a number when it is one; otherwise as typed, for proposals-svc to name the field
                    "progress": int(progress) if progress.isdigit() else progress})
                flash(_("Aktualizacja realizacji opublikowana."), "success")
            return redirect(url_for("office_implementation.implementation", iid=iid))
        except ApiError as exc:
            errors, status = form_errors(exc)
            if action == "assign" and "reason" in errors:
                errors["assign_reason"] = errors.pop("reason")
    departments = proposals_api.departments() if auth.current_user().has("pb_official") else []
    return render_template("office/implementation.html", record=record, values=values, errors=errors,
                           departments=departments, may_report=_may_report(record),
                           implementation_names=IMPLEMENTATION_NAMES), status
