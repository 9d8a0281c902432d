"""Proposals (wnioski) as their applicants see them: my proposals, the form with drafts and field errors in
place, attachments, submission, online support, answering a change request, filing an appeal before its
deadline, and — for a local initiative — the own contribution and answering the city's terms."""

from __future__ import annotations

import math
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import auth
from ..api import ApiError
from ..clients import proposals_api
from .common import PUBLIC_S, appeal_deadline, status_name, token

bp = Blueprint("proposals", __name__, url_prefix="/edycje/<uuid:edition_id>/wnioski")

TEXT_FIELDS = ("title", "description", "justification", "beneficiaries", "universal_design", "location_address",
               "category", "area_id")
NULLABLE_FIELDS = ("category", "area_id", "location_address")
MIN_COST_ROWS = 3


def _number(text: str):
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    return float(cleaned) if cleaned else None


def _whole_zloty(text: str) -> int | None:
    """An amount in whole złoty as typed ("60 000"), None when empty; ValueError for anything else."""
    value = _number(text)
    if value is not None and (not math.isfinite(value) or value != int(value)):  # "inf" would overflow int()
        raise ValueError(text)
    return None if value is None else int(value)


def read_form(edition: dict) -> tuple[dict, dict, dict]:
    """The form → (what to send to proposals-svc, what was typed, errors found here). Amounts and coordinates
    that are not numbers are named here; everything else is for proposals-svc to judge. A local initiative
    also carries the applicants' own contribution: work, goods, money."""
    typed = {name: request.form.get(name, "").strip() for name in TEXT_FIELDS + ("latitude", "longitude")}
    errors, body = {}, {}
    for name in TEXT_FIELDS:
        # the optional choices are null when empty; free text is sent as typed (the service checks lengths)
        body[name] = (typed[name] or None) if name in NULLABLE_FIELDS else typed[name]
    for name in ("latitude", "longitude"):
        try:
            body[name] = _number(typed[name])
        except ValueError:
            errors[name] = _("Podaj liczbę, np. 50.2712.")
    items, i = [], 0
    while f"cost_items_{i}_name" in request.form:
        label = request.form.get(f"cost_items_{i}_name", "").strip()
        amount = request.form.get(f"cost_items_{i}_amount", "").strip()
        typed[f"cost_items_{i}_name"], typed[f"cost_items_{i}_amount"] = label, amount
        if label or amount:
            try:
                value = _whole_zloty(amount)
                if value is None:
                    raise ValueError(amount)
                items.append({"name": label, "amount": value})
            except ValueError:
                errors[f"cost_items_{i}_amount"] = _("Podaj kwotę w pełnych złotych, np. 60000.")
        i += 1
    typed["rows"] = max(i + (1 if request.form.get("action") == "add_row" else 0), MIN_COST_ROWS)
    body["cost_items"] = items
    if edition.get("kind") == "local_initiative":
        for name in ("work", "goods", "money"):
            typed[f"contribution_{name}"] = request.form.get(f"contribution_{name}", "").strip()
        try:
            money = _whole_zloty(typed["contribution_money"]) or 0
        except ValueError:
            money, errors["contribution_money"] = 0, _("Podaj kwotę w pełnych złotych, np. 2000.")
        body["contribution"] = {"work": typed["contribution_work"], "goods": typed["contribution_goods"],
                                "money": money}
    if not typed["title"]:
        errors["title"] = _("Podaj tytuł (co najmniej 3 znaki).")
    return body, typed, errors


def _typed_from(proposal: dict) -> dict:
    typed = {name: proposal.get(name) or "" for name in TEXT_FIELDS}
    typed.update(latitude=proposal.get("latitude") if proposal.get("latitude") is not None else "",
                 longitude=proposal.get("longitude") if proposal.get("longitude") is not None else "")
    for i, item in enumerate(proposal.get("cost_items") or []):
        typed[f"cost_items_{i}_name"], typed[f"cost_items_{i}_amount"] = item["name"], item["amount"]
    typed["rows"] = max(len(proposal.get("cost_items") or []) + 1, MIN_COST_ROWS)
    contribution = proposal.get("contribution") or {}
    typed.update(contribution_work=contribution.get("work", ""), contribution_goods=contribution.get("goods", ""),
                 contribution_money=contribution.get("money") or "")
    return typed


def _edition(edition_id: str) -> tuple[dict, list[dict]]:
    return (proposals_api.edition(edition_id, cache_s=PUBLIC_S),
            proposals_api.areas(edition_id, cache_s=PUBLIC_S))


def _render_form(edition, areas, typed, errors, proposal=None, attachments=(), status=200):
    return render_template("proposals/form.html", edition=edition, areas=areas, values=typed, errors=errors,
                           proposal=proposal, attachments=attachments), status


@bp.get("/")
@auth.login_required
def mine(edition_id):
    edition, areas = _edition(str(edition_id))
    proposals = proposals_api.my_proposals(edition_id, token=token())
    return render_template("proposals/mine.html", edition=edition, proposals=proposals,
                           areas_by_id={a["id"]: a for a in areas}, status_name=status_name)


@bp.route("/nowy", methods=["GET", "POST"])
@auth.login_required
def new(edition_id):
    edition, areas = _edition(str(edition_id))
    if request.method == "GET":
        return _render_form(edition, areas, {"rows": MIN_COST_ROWS}, {})
    body, typed, errors = read_form(edition)
    if errors or request.form.get("action") == "add_row":
        return _render_form(edition, areas, typed, errors, status=422 if errors else 200)
    try:
        draft = proposals_api.start_proposal(edition_id, token=token(), json=body)
    except ApiError as exc:
        return _render_form(edition, areas, typed, exc.field_errors() or {"_form": exc.message()}, status=422)
    return _after_save(str(edition_id), draft, typed, edition, areas)


def _after_save(edition_id: str, draft: dict, typed: dict, edition, areas):
    if request.form.get("action") != "submit":
        flash(_("Szkic zapisany. Możesz do niego wrócić w „Moje wnioski”."), "success")
        return redirect(url_for("proposals.edit", edition_id=edition_id, proposal_id=draft["id"]))
    try:
        proposals_api.submit(draft['id'], token=token())
    except ApiError as exc:
        attachments = proposals_api.attachments(draft['id'], token=token())
        errors = exc.field_errors() or {"_form": exc.message()}
        if "_form" not in errors:
            errors = {"_form": exc.message(), **errors}
        return _render_form(edition, areas, typed, errors, proposal=draft, attachments=attachments, status=422)
    flash(_("Wniosek złożony. Dziękujemy!"), "success")
    return redirect(url_for("editions.project", edition_id=edition_id, proposal_id=draft["id"]))


@bp.route("/<uuid:proposal_id>", methods=["GET", "POST"])
@auth.login_required
def edit(edition_id, proposal_id):
    edition, areas = _edition(str(edition_id))
    proposal = proposals_api.proposal(proposal_id, token=token())
    if proposal["edition_id"] != str(edition_id):
        abort(404)
    if proposal["status"] != "draft":
        return redirect(url_for("proposals.status", edition_id=edition_id, proposal_id=proposal_id))
    attachments = proposals_api.attachments(proposal_id, token=token())
    if request.method == "GET":
        return _render_form(edition, areas, _typed_from(proposal), {}, proposal, attachments)
    body, typed, errors = read_form(edition)
    if errors or request.form.get("action") == "add_row":
        return _render_form(edition, areas, typed, errors, proposal, attachments, status=422 if errors else 200)
    try:
        saved = proposals_api.change_proposal(proposal_id, token=token(), json=body)
    except ApiError as exc:
        return _render_form(edition, areas, typed, exc.field_errors() or {"_form": exc.message()}, proposal,
                            attachments, status=422)
    return _after_save(str(edition_id), saved, typed, edition, areas)


@bp.post("/<uuid:proposal_id>/zalaczniki")
@auth.login_required
def attach(edition_id, proposal_id):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Wybierz plik do dołączenia."), "error")
    else:
        try:
            proposals_api.attach(proposal_id, token=token(),
                                 params={"filename": upload.filename[:200]}, data=upload.read(),
                                 headers={"Content-Type": upload.mimetype or "application/octet-stream"})
            flash(_("Dołączono plik %(name)s.", name=upload.filename), "success")
        except ApiError as exc:
            flash(_("Nie dołączono pliku %(name)s: %(reason)s", name=upload.filename, reason=exc.message()), "error")
    return redirect(url_for("proposals.edit", edition_id=edition_id, proposal_id=proposal_id))


def _status_page(edition_id, proposal_id, *, errors: dict | None = None, values: dict | None = None,
                 status: int = 200):
    edition, areas = _edition(str(edition_id))
    proposal = proposals_api.proposal(proposal_id, token=token())
    changes = proposals_api.change_requests(proposal_id, token=token())
    appeals = proposals_api.appeals(proposal_id, token=token())
    terms = (proposals_api.terms(proposal_id, token=token())
             if edition.get("kind") == "local_initiative" else [])
    return render_template("proposals/status.html", edition=edition, proposal=proposal, changes=changes,
                           appeals=appeals, terms=terms, appeal_by=appeal_deadline(proposal, edition),
                           status_name=status_name, errors=errors or {}, values=values or {},
                           areas_by_id={a["id"]: a for a in areas}), status


@bp.get("/<uuid:proposal_id>/status")
@auth.login_required
def status(edition_id, proposal_id):
    """The applicant's view of a submitted proposal: change requests to answer, the appeal to file."""
    return _status_page(edition_id, proposal_id)


def _answer(edition_id, proposal_id, send, *, unanswered: str, accepted: str, refused: str):
    """The applicant's yes or no to what the office offered (a change request, a local initiative's terms), with
    an optional note; the status page again, with what happened."""
    accept = request.form.get("accept")
    if accept not in ("yes", "no"):
        flash(unanswered, "error")
    else:
        try:
            send(token=token(), json={"accept": accept == "yes", "note": request.form.get("note", "").strip()})
            flash(accepted if accept == "yes" else refused, "success")
        except ApiError as exc:
            flash(exc.message(), "error")
    return redirect(url_for("proposals.status", edition_id=edition_id, proposal_id=proposal_id))


@bp.post("/<uuid:proposal_id>/zmiany/<uuid:request_id>")
@auth.login_required
def answer_change(edition_id, proposal_id, request_id):
    return _answer(edition_id, proposal_id, partial(proposals_api.answer_change_request, proposal_id, request_id),
                   unanswered=_("Wybierz, czy przyjmujesz zmianę."), accepted=_("Odpowiedź zapisana."),
                   refused=_("Odpowiedź zapisana."))


@bp.post("/<uuid:proposal_id>/warunki/<uuid:terms_id>")
@auth.login_required
def answer_terms(edition_id, proposal_id, terms_id):
    """A local initiative's applicant accepts the city's terms (the agreement; monitoring opens) or refuses them."""
    return _answer(edition_id, proposal_id, partial(proposals_api.answer_terms, proposal_id, terms_id),
                   unanswered=_("Wybierz, czy przyjmujesz warunki."),
                   accepted=_("Warunki przyjęte: umowa uzgodniona."),
                   refused=_("Warunki odrzucone; urząd może zaproponować nowe."))


@bp.post("/<uuid:proposal_id>/odwolanie")
@auth.login_required
def appeal(edition_id, proposal_id):
    statement = request.form.get("statement", "").strip()
    try:
        proposals_api.appeal(proposal_id, token=token(), json={"statement": statement})
    except ApiError as exc:
        return _status_page(edition_id, proposal_id, errors=exc.field_errors() or {"statement": exc.message()},
                            values={"statement": statement}, status=422)
    flash(_("Odwołanie złożone. Urząd rozpatrzy je w terminie."), "success")
    return redirect(url_for("proposals.status", edition_id=edition_id, proposal_id=proposal_id))


@bp.post("/<uuid:proposal_id>/poparcie")
@auth.login_required
def support(edition_id, proposal_id):
    try:
        proposals_api.support_proposal(proposal_id, token=token())
        flash(_("Dziękujemy, poparłeś(-aś) ten projekt."), "success")
    except ApiError as exc:
        flash(exc.message(), "error")
    return redirect(url_for("editions.project", edition_id=edition_id, proposal_id=proposal_id))
