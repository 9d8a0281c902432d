"""Setting up an edition in the office console: creating it, its areas (typed or imported from Pabulib), its
phase, its voting rules with a preview in words, and freezing the ballot (the rules' SHA-256 and the draw
seed's hash published before voting). proposals-svc checks every value and keeps the audit trail."""

from __future__ import annotations

import hashlib

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..api import ApiError
from ..clients import identity_api, proposals_api
from .common import (IMMUTABLE_S, PHASE_NAMES, PHASES, form_errors, from_city_time, role_required, to_city_time,
                     token)
from .editions import SELECTION_NAMES, describe_rule

bp = Blueprint("office_editions", __name__, url_prefix="/urzad/edycje")

RULE_FIELDS = ("city_type", "city_min", "city_max", "city_points", "city_rank_points", "district_type", "district_min",
               "district_max", "district_points", "district_rank_points", "district_choice", "selection_rule",
               "min_score", "voting_day", "residency", "outage_extension_after_minutes")


def rule_options() -> dict[str, list[tuple[str, str]]]:
    """The form's choices for each field of the voting rules: the values proposals-svc defines (its vocabulary,
    never a copy here), each with the name a person reads (the value itself for one the site cannot name yet)."""
    vocabulary = proposals_api.rules_vocabulary(cache_s=IMMUTABLE_S)
    names = {
        "ballot_types": {"approval": _("wybór projektów"), "budget_approval": _("wybór w granicach puli"),
                         "cumulative": _("punkty"), "ordinal": _("ranking")},
        "selection_rules": {code: str(name) for code, name in SELECTION_NAMES.items()},
        "district_choice": {"own": _("osiedle zamieszkania"), "any": _("dowolne, wybrane przez głosującego")},
        "residency": {"either": _("rejestr albo deklaracja"), "census": _("tylko rejestr mieszkańców"),
                      "declaration": _("tylko deklaracja")},
    }
    return {field: [(code, named.get(code, code)) for code in vocabulary[field]] for field, named in names.items()}


def _int(text: str):
    """A whole number as typed, or the text itself so proposals-svc names the field."""
    return int(text) if text.strip().lstrip("-").isdigit() else (text.strip() or None)


# proposals-svc names a mistake by the rules' field; the form's input for it has a name of its own
RULE_ERROR_INPUTS = {
    **{f"rules_{kind}_{field}": f"{kind}_{name}" for kind in ("city", "district")
       for field, name in (("type", "type"), ("min_projects", "min"), ("max_projects", "max"), ("max_points", "points"),
                           ("rank_points", "rank_points"))},
    "rules_district_choice": "district_choice", "rules_selection_rule": "selection_rule",
    "rules_selection_min_score": "min_score", "rules_selection_draw_seed_sha256": "seed",
    "rules_eligibility_voting_day": "voting_day", "rules_eligibility_residency": "residency", "reason": "rules_reason",
    "rules_outage_extension_after_minutes": "outage_extension_after_minutes",
}


def _rank_points(typed: str, max_projects) -> list | str:
    """"3, 2, 1" → [3, 2, 1]; left empty, a point less for each place down to 1 (max_projects, …, 2, 1); anything
    else goes as typed, for proposals-svc to name the field."""
    if not typed:
        return list(range(max_projects, 0, -1)) if isinstance(max_projects, int) and 0 < max_projects <= 100 else []
    items = [item.strip() for item in typed.replace(";", ",").split(",") if item.strip()]
    return [int(item) for item in items] if all(item.isdigit() for item in items) else typed


def _rules_from_form() -> tuple[dict, dict]:
    """The rules form → (the rules to send, what was typed). The seed is never sent: only its SHA-256."""
    typed = {name: request.form.get(name, "").strip() for name in RULE_FIELDS}
    typed["revoting"] = request.form.get("revoting", "")
    seed = request.form.get("seed", "")

    def ballot_rule(kind: str) -> dict:
        rule = {"type": typed[f"{kind}_type"], "min_projects": _int(typed[f"{kind}_min"]) or 0,
                "max_projects": _int(typed[f"{kind}_max"])}
        if typed[f"{kind}_type"] == "cumulative":
            rule["max_points"] = _int(typed[f"{kind}_points"])
        if typed[f"{kind}_type"] == "ordinal":
            rule["rank_points"] = _rank_points(typed[f"{kind}_rank_points"], rule["max_projects"])
        return rule

    rules = {"city": ballot_rule("city"), "district": ballot_rule("district"),
             "district_choice": typed["district_choice"] or "own",
             "selection": {"rule": typed["selection_rule"], "min_score": _int(typed["min_score"]),
                           "tie_break": ["draw"],
                           "draw_seed_sha256": hashlib.sha256(seed.encode()).hexdigest() if seed else ""},
             "eligibility": {"voting_day": typed["voting_day"], "residency": typed["residency"] or "either"},
             "revoting": bool(typed["revoting"])}
    if typed["outage_extension_after_minutes"]:  # left empty: after an outage the coordinator decides
        rules["outage_extension_after_minutes"] = _int(typed["outage_extension_after_minutes"])
    return rules, typed


def _typed_from(rules: dict | None) -> dict:
    if not rules:
        return {"city_type": "approval", "district_type": "approval", "city_min": "1", "district_min": "1",
                "district_choice": "own", "selection_rule": "greedy", "residency": "either"}
    typed = {}
    for kind in ("city", "district"):
        rule = rules[kind]
        typed.update({f"{kind}_type": rule["type"], f"{kind}_min": str(rule.get("min_projects", "")),
                      f"{kind}_max": str(rule["max_projects"]), f"{kind}_points": str(rule.get("max_points") or ""),
                      f"{kind}_rank_points": ", ".join(map(str, rule.get("rank_points") or []))})
    selection = rules["selection"]
    typed.update(district_choice=rules.get("district_choice", "own"), selection_rule=selection["rule"],
                 min_score=str(selection.get("min_score") or ""), voting_day=rules["eligibility"]["voting_day"],
                 residency=rules["eligibility"]["residency"], revoting="1" if rules.get("revoting") else "",
                 outage_extension_after_minutes=str(rules.get("outage_extension_after_minutes") or ""))
    return typed


@bp.route("/nowa", methods=["GET", "POST"])
@role_required("pb_official")
def new():
    values, errors, status = {"kind": "participatory_budget"}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("name", "city", "year", "kind")}
        try:
            edition = proposals_api.create_edition(token=token(), json={
                "name": values["name"], "city": values["city"], "year": _int(values["year"]), "kind": values["kind"]})
            flash(_("Edycja utworzona. Dodaj obszary i zasady głosowania."), "success")
            return redirect(url_for("office_editions.setup", eid=edition["id"]))
        except ApiError as exc:
            errors, status = form_errors(exc)
    return render_template("office/edition_new.html", values=values, errors=errors), status


def _save_schedule(eid, typed: dict) -> None:
    """The phases whose dates were typed (Warsaw time) → PUT /editions/{id}/schedule. proposals-svc names a bad
    row by its index in what was sent; that is mapped back to the phase's own fields on the form."""
    sent = [phase for phase in PHASES if typed.get(f"schedule_{phase}_starts_at") or typed.get(f"schedule_{phase}_ends_at")]
    try:
        proposals_api.change_schedule(eid, token=token(), json={
            "reason": typed.get("schedule_reason", ""),
            "phases": [{"phase": phase, "starts_at": from_city_time(typed.get(f"schedule_{phase}_starts_at", "")),
                        "ends_at": from_city_time(typed.get(f"schedule_{phase}_ends_at", ""))} for phase in sent]})
    except ApiError as exc:
        for error in exc.errors:
            index, _sep, rest = str(error.get("field", "")).removeprefix("phases.").partition(".")
            if index.isdigit() and int(index) < len(sent):
                error["field"] = f"{sent[int(index)]}.{rest or 'starts_at'}"
        raise


def _city_districts() -> list[str]:
    return identity_api.districts(cache_s=60)["districts"]


@bp.route("/<uuid:eid>/ustawienia", methods=["GET", "POST"])
@role_required("pb_official", "coordinator")
def setup(eid):
    edition = proposals_api.edition(eid)
    rules_state = proposals_api.voting_rules(eid)
    typed, errors, preview, status, section = {}, {}, None, 200, None
    if request.method == "POST":
        action, section = request.form.get("action"), request.form.get("action")
        try:
            if action == "phase":
                proposals_api.change_phase(eid, token=token(), json={
                    "phase": request.form.get("phase"), "reason": request.form.get("phase_reason", "").strip()})
                flash(_("Etap zmieniony."), "success")
            elif action == "schedule":
                typed = {k: v.strip() for k, v in request.form.items() if k.startswith("schedule_")}
                _save_schedule(eid, typed)
                flash(_("Harmonogram zapisany."), "success")
            elif action == "area":
                typed = {k: request.form.get(k, "").strip() for k in ("area_name", "area_kind", "area_budget",
                                                                       "area_max_cost")}
                if typed["area_kind"] == "district" and typed["area_name"] not in _city_districts():
                    # a resident votes in the area named as their district: a name off the city's list would
                    # be an area nobody lives in (proposals-svc does not keep the city's list; identity-svc does)
                    raise ApiError(422, _("Obszar osiedlowy musi nosić nazwę osiedla z listy miasta."), errors=[{
                        "field": "name", "message": _("Wybierz nazwę osiedla z listy osiedli miasta.")}])
                proposals_api.add_area(eid, token=token(), json={
                    "name": typed["area_name"], "kind": typed["area_kind"], "budget": _int(typed["area_budget"]),
                    "max_project_cost": _int(typed["area_max_cost"])})
                flash(_("Obszar dodany."), "success")
            elif action == "pabulib":
                upload = request.files.get("pabulib_file")
                typed = {"pabulib_kind": request.form.get("pabulib_kind", "")}
                kind = {"kind": typed["pabulib_kind"]} if typed["pabulib_kind"] else {}
                area = proposals_api.import_pabulib_area(
                    eid, token=token(), params={"source": upload.filename if upload else "upload.pb", **kind},
                    data=upload.read() if upload else b"", headers={"Content-Type": "text/plain"}, timeout=60)
                flash(_("Zaimportowano obszar %(name)s z pliku Pabulib.", name=area["name"]), "success")
            elif action == "outlines":
                upload = request.files.get("outlines_file")
                typed = {"outlines_reason": request.form.get("outlines_reason", "").strip()}
                try:
                    report = proposals_api.replace_area_outlines(
                        eid, token=token(), params={"reason": typed["outlines_reason"]},
                        data=upload.read() if upload else b"", headers={"Content-Type": "application/geo+json"},
                        timeout=60)
                except ApiError as exc:
                    fields = exc.field_errors()
                    if "reason" in fields:
                        raise ApiError(exc.status, exc.title, exc.detail, errors=[
                            {"field": "reason", "message": fields["reason"]}]) from None
                    raise ApiError(exc.status, exc.title, exc.detail, errors=[
                        {"field": "file", "message": fields.get("outlines") or exc.message()}]) from None
                flash(_("Obrysy wczytane: %(matched)s.", matched=", ".join(report["matched"])) +
                      (" " + _("Bez obszaru w tej edycji: %(names)s.", names=", ".join(report["unmatched"]))
                       if report["unmatched"] else ""), "success")
            elif action in ("preview", "rules"):
                rules, typed = _rules_from_form()
                if action == "preview":  # checked by proposals-svc as saving would be: errors by their field
                    preview = proposals_api.check_voting_rules(token=token(), json={"rules": rules})["rules"]
                else:
                    proposals_api.set_voting_rules(eid, token=token(), json={
                        "rules": rules, "reason": request.form.get("rules_reason", "").strip()})
                    flash(_("Zasady głosowania zapisane."), "success")
            elif action == "freeze":
                reason = request.form.get("freeze_reason", "").strip()
                # voting-svc takes the ballot and identity-svc its eligibility rules from `ballot.published`
                proposals_api.freeze_ballot(eid, token=token(), json={"reason": reason}, timeout=30)
                flash(_("Karta do głosowania zamrożona; skrót zasad opublikowany."), "success")
            if preview is None:
                return redirect(url_for("office_editions.setup", eid=eid) + (f"#{section}" if section else ""))
        except ApiError as exc:
            prefix = {"area": "area_", "rules": "", "preview": "", "phase": "phase_"}.get(action, f"{action}_")
            errors = {RULE_ERROR_INPUTS.get(prefix + k, prefix + k): v for k, v in exc.field_errors().items()}
            if not errors or "_form" in errors:  # the service's own sentence only when no field says it better
                errors["_form"] = errors.get("_form") or exc.message()
            status = exc.status
    areas = proposals_api.areas(eid)
    schedule = proposals_api.schedule(eid)
    planned = {f"schedule_{p['phase']}_{end}": to_city_time(p[end]) for p in schedule["phases"]
               for end in ("starts_at", "ends_at")}
    values = {**_typed_from(rules_state.get("voting_rules")), **planned, **typed}
    return render_template("office/edition_setup.html", edition=edition, areas=areas, schedule=schedule,
                           rules_state=rules_state, values=values, errors=errors, preview=preview,
                           describe_rule=describe_rule, selection_names=SELECTION_NAMES, phases=PHASES,
                           phase_names=PHASE_NAMES, options=rule_options(), city_districts=_city_districts()), status
