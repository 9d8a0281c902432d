"""The office's console (konsola urzędu): its home page, the audit log viewer — who did what, when, on what and
why, across the four services, read from each service's own `GET /audit` with the official's token — a voting
point's paper cards (handed out, keyed twice by two officials, mismatches side by side for the coordinator),
closing and publishing, and the admin pages: staff roles, the street register and the census import followed
on its progress page. The edition set-up, the queues, the decisions, implementation and the verification desk
have their own modules (office_editions, office_queues, office_decisions, office_implementation,
office_residents).

The services keep their audit rows apart (each in its own database); this page merges them newest first and
pages through all four at once with one cursor per service, so a page never skips nor repeats a row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import auth, i18n
from ..spreadsheet import csv_download
from ..api import SERVICES, ApiError
from ..clients import consultation_api, identity_api, proposals_api, voting_api
from .common import (CITY_TIME, form_errors, from_city_time, phase_name, role_required, to_city_time, token,
                     voting_ends)

# each service keeps the audit log of its own staff actions
AUDIT_LOGS = {"identity": identity_api.audit, "proposals": proposals_api.audit, "voting": voting_api.audit,
              "consultation": consultation_api.audit}

bp = Blueprint("office", __name__, url_prefix="/urzad")

AUDIT_READERS = ("admin", "coordinator", "pb_official")  # as glos_chassis.audit lets read
PAGE = 50


office_required = role_required(*AUDIT_READERS)


def _day_start(text: str) -> str | None:
    """A date typed in the filter (Warsaw) → the instant its day begins, ISO 8601; None when empty or not a date."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), CITY_TIME).isoformat() if text else None
    except ValueError:
        return None


@bp.get("/rejestr")
@office_required
def audit():
    filters = {name: request.args.get(name, "").strip() for name in ("service", "actor", "action", "target",
                                                                     "since", "until")}
    services = [filters["service"]] if filters["service"] in SERVICES else list(SERVICES)
    params = {name: filters[name] for name in ("actor", "action", "target") if filters[name]}
    if "@" in filters["actor"]:  # a staff member by e-mail; residents are found by their id only
        by_email = {person["email"].lower(): account for account, person in staff_directory().items()}
        params["actor"] = by_email.get(filters["actor"].lower(), filters["actor"])
    if _day_start(filters["since"]):
        params["since"] = _day_start(filters["since"])
    if _day_start(filters["until"]):  # the whole day typed is included
        params["until"] = (datetime.fromisoformat(_day_start(filters["until"])) + timedelta(days=1)).isoformat()
    entries, cursors, refused = [], {}, []
    for service in services:
        cursor = request.args.get(f"before_{service}", type=int)
        try:
            page = AUDIT_LOGS[service](token=token(),
                                       params={**params, "limit": PAGE, **({"before_id": cursor} if cursor else {})})
        except ApiError as exc:
            if exc.status not in (400, 403, 422):
                raise
            refused.append(service)
            continue
        entries += page["entries"]
        cursors[service] = (cursor, page["next_before_id"])
    entries.sort(key=lambda e: e["at"], reverse=True)
    shown = entries[:PAGE]
    # the next page: per service, below the oldest row shown; a service with nothing shown keeps its cursor
    older, more = {}, len(entries) > PAGE or any(nxt for _, nxt in cursors.values())
    for service, (cursor, _next) in cursors.items():
        ids = [e["id"] for e in shown if e["service"] == service]
        if ids:
            older[f"before_{service}"] = min(ids)
        elif cursor:
            older[f"before_{service}"] = cursor
    return render_template("office/audit.html", entries=shown, filters=filters, services=SERVICES,
                           refused=refused, staff=staff_directory(),
                           older={**{k: v for k, v in filters.items() if v}, **older} if more else None)


# -- a voting point: paper cards handed out, keyed twice, mismatches decided ------------------------------------

CARD_STATUS = {"handed_out": _l("wydana"), "keyed_once": _l("wprowadzona raz"), "mismatch": _l("niezgodne wprowadzenia"),
               "accepted": _l("przyjęta"), "already_voted": _l("głos już oddany"), "invalid": _l("nieważna")}
INVALID_REASONS = {"unsigned": _l("brak podpisu"), "illegible": _l("nieczytelna"), "late": _l("po terminie"),
                   "not_returned": _l("niezwrócona"), "other": _l("inny powód")}
VOTING_POINT = ("pb_official", "coordinator")


voting_point_required = role_required(*VOTING_POINT)


def _card_areas(ballot: dict, district: str | None) -> list[dict]:
    """What a card from this district asks: its district's area, then the city-wide ones."""
    return [a for a in ballot["areas"] if a["kind"] == "district" and a["name"] == district] + \
        [a for a in ballot["areas"] if a["kind"] == "city"]


def _parts_from_form(ballot: dict, areas: list[dict]) -> tuple[list[dict], dict]:
    """What the card says, as keyed: per area, the projects marked (approval) or their points / places. Nothing is
    judged here: a card over the limit is what voting-svc refuses, by its part."""
    parts, typed = [], {}
    for area in areas:
        rule, choices = ballot["rules"][area["kind"]], []
        for project in area["projects"]:
            name = f"a{area['area_id']}-{project['proposal_id']}"
            value = request.form.get(name, "").strip()
            typed[name] = value
            if not value or value == "0":
                continue
            if rule["type"] in ("approval", "budget_approval"):
                choices.append({"project_id": project["proposal_id"]})
            elif value.isdigit():
                choices.append({"project_id": project["proposal_id"], "points": int(value)})
            else:
                choices.append({"project_id": project["proposal_id"], "points": value})  # voting-svc names it
        if rule["type"] == "ordinal":
            choices = [{"project_id": c["project_id"]} for c in sorted(
                choices, key=lambda c: c["points"] if isinstance(c["points"], int) else 0)]
        if choices:
            parts.append({"area_id": area["area_id"], "choices": choices})
    return parts, typed


def _entry_view(ballot: dict, parts: list[dict]) -> dict:
    """A keyed entry as {area name: [(project, points or place)]}, for the side-by-side comparison."""
    titles = {p["proposal_id"]: p["title"] for a in ballot["areas"] for p in a["projects"]}
    names = {a["area_id"]: a["name"] for a in ballot["areas"]}
    return {names.get(part["area_id"], part["area_id"]): [
        (titles.get(c["project_id"], c["project_id"]), c.get("points", n)) for n, c in enumerate(part["choices"], 1)]
        for part in parts}


@bp.route("/edycje/<uuid:eid>/karty", methods=["GET", "POST"])
@voting_point_required
def cards(eid):
    ballot = voting_api.ballot(eid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":  # hand out a card to a person in front of the official
        values = {"card_number": request.form.get("card_number", "").strip()}
        pesel = request.form.get("pesel", "").strip()  # passed to identity-svc only; never kept or logged here
        try:
            credential = identity_api.issue_credential_on_behalf(eid, token=token(),
                                                                 json={"pesel": pesel})["credential"]
            card = voting_api.hand_out_paper_card(eid, token=token(),
                                                  json={"card_number": values["card_number"], "credential": credential})
            flash(_("Wydano kartę %(n)s (osiedle %(d)s).", n=card["card_number"], d=card["district"]), "success")
            return redirect(url_for("office.cards", eid=eid))
        except ApiError as exc:
            errors, status = form_errors(exc)
    wanted = request.args.get("status") or None
    found = voting_api.paper_cards(eid, token=token(),
                                   params={"status": wanted} if wanted else None)
    return render_template("office/cards.html", eid=eid, ballot=ballot, cards=found, wanted=wanted, values=values,
                           errors=errors, card_status=CARD_STATUS), status


@bp.route("/edycje/<uuid:eid>/karty/<card_number>", methods=["GET", "POST"])
@voting_point_required
def card(eid, card_number):
    ballot = voting_api.ballot(eid)
    found = next((c for c in voting_api.paper_cards(eid, token=token())
                  if c["card_number"] == card_number), None)
    if found is None:
        abort(404)
    areas = _card_areas(ballot, found["district"])
    typed, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        parts, typed = _parts_from_form(ballot, areas)
        note = request.form.get("note", "").strip()
        typed["note"], typed["invalid_reason"] = note, request.form.get("invalid_reason", "")
        try:
            if action == "key":
                after = voting_api.key_in_paper_card(eid, card_number, token=token(),
                                                     json={"parts": parts})
            elif action == "invalid":
                after = voting_api.mark_paper_card_invalid(eid, card_number, token=token(),
                                                           json={"reason": typed["invalid_reason"], "note": note})
            else:  # the coordinator's decision from the card itself: what it says, or why it is invalid
                decision = {"note": note, **({"invalid_reason": typed["invalid_reason"]} if typed["invalid_reason"]
                                             else {"parts": parts})}
                after = voting_api.resolve_paper_card(eid, card_number,
                                                      token=token(), json=decision)
            flash(_("Karta %(n)s: %(status)s.", n=card_number, status=CARD_STATUS.get(after["status"], after["status"])),
                  "success")
            return redirect(url_for("office.cards", eid=eid))
        except ApiError as exc:
            errors = {"_form": exc.message(), **exc.field_errors()}
            status = exc.status
    entries = [{"keyed_by": e["keyed_by"], "areas": _entry_view(ballot, e["parts"])} for e in found["entries"]]
    return render_template("office/card.html", eid=eid, ballot=ballot, card=found, areas=areas, typed=typed,
                           errors=errors, entries=entries, card_status=CARD_STATUS,
                           invalid_reasons=INVALID_REASONS), status


# -- the console's start, and closing an edition's voting and publishing its results ---------------------------

@bp.get("/")
@office_required
def home():
    editions = proposals_api.editions()
    user = auth.current_user()
    for edition in editions:
        schedule = proposals_api.schedule(edition['id'])
        edition["current_phase"] = schedule["current_phase"]
    return render_template("office/home.html", editions=editions, phase_name=phase_name,
                           waiting=waiting_work(editions, user),
                           consultations_waiting=consultation_api.work_waiting(token=token()))


def waiting_work(editions: list[dict], user) -> list[dict]:
    """Per edition, what waits for the office — proposals to verify, appeals, change requests, paper cards to
    finish — as the services count it; only what this person's roles may act on."""
    found = []
    if not user.has("pb_official", "coordinator"):
        return found
    for edition in editions:
        work = proposals_api.work_waiting(edition['id'], token=token())
        if edition["current_phase"] in ("voting", "results"):
            work["paper_cards_unfinished"] = len(voting_api.paper_cards(edition['id'],
                                                                        token=token(), params={"status": "unfinished"}))
        if any(work.values()):
            found.append({"edition": edition, **work})
    return found


def _optional(ask, *ids):
    """`ask` (a client function) for the ids, or None where the service has nothing (404)."""
    try:
        return ask(*ids, token=token())
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


# what stopped the ballots, by the ledger's cause (voting-svc's outages.py names the part, then the detail)
OUTAGE_CAUSES = {"database": _l("baza danych systemu głosowania nie odpowiadała"),
                 "vote log": _l("rejestr głosów (Kafka) nie przyjmował zapisów")}


EXTEND_FIELDS = ("extend_ends_at", "extend_reason", "extend_outage_seconds")  # the page's other form has a reason


@bp.route("/edycje/<uuid:eid>/zamkniecie", methods=["GET", "POST"])
@office_required
def closing(eid):
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "extend":  # voting ends later, by the outages' length or what the coordinator decides
                values = {k: request.form.get(k, "").strip() for k in EXTEND_FIELDS}
                seconds = values["extend_outage_seconds"]
                proposals_api.extend_voting(eid, token=token(), json={
                    "ends_at": from_city_time(values["extend_ends_at"]), "reason": values["extend_reason"],
                    "outage_seconds": int(seconds) if seconds.isdigit() else None})
                flash(_("Głosowanie przedłużone; mieszkańcy zobaczą nowy termin i powód na stronie edycji."), "success")
            elif action == "close":  # with unfinished paper cards the person must tick that they know
                voting_api.close_voting(eid, token=token(), json={
                    "reason": request.form.get("reason", "").strip(),
                    "confirm_unfinished_cards": request.form.get("confirm_unfinished_cards") == "yes"})
                flash(_("Głosowanie zamknięte."), "success")
            else:
                voting_api.publish_results(eid, token=token(), timeout=60,
                                           json={"seed": request.form.get("seed", "")})
                flash(_("Wyniki policzone i opublikowane; ziarno losowania ujawnione."), "success")
            return redirect(url_for("office.closing", eid=eid))
        except ApiError as exc:
            if action != "extend":
                flash(exc.message(), "error")
                return redirect(url_for("office.closing", eid=eid))
            errors, status = form_errors(exc)  # the extension form again, the refusal by its field
            errors = {(k if k == "_form" else f"extend_{k}"): v for k, v in errors.items()}
    ballot = voting_api.ballot(eid)
    names = {a["area_id"]: a["name"] for a in ballot["areas"]}
    turnout = [{**row, "area": names.get(row["area_id"], row["area_id"])}
               for row in voting_api.turnout(eid)]
    unfinished = voting_api.paper_cards(eid, token=token(), params={"status": "unfinished"})
    outages = voting_api.outages(eid, token=token())
    schedule = proposals_api.schedule(eid)
    ends = voting_ends(schedule)
    if ends and not values:  # suggested: the scheduled end moved by the outages' length, to the whole minute
        minutes = -(-outages["total_seconds"] // 60)
        values = {"extend_ends_at": to_city_time((datetime.fromisoformat(ends) + timedelta(minutes=minutes)).isoformat()),
                  "extend_outage_seconds": str(outages["total_seconds"]) if minutes else "",
                  "extend_reason": _("Przerwy w działaniu systemu głosowania, razem %(minutes)s min.", minutes=minutes)
                  if minutes else ""}
    return render_template("office/closing.html", eid=eid, ballot=ballot, turnout=turnout, unfinished=unfinished,
                           outages=outages, outage_causes=OUTAGE_CAUSES, voting_ends=ends, values=values,
                           errors=errors, card_status=CARD_STATUS, edition=proposals_api.edition(eid),
                           closure=_optional(voting_api.closure, eid),
                           results=_optional(voting_api.results, eid)), status


# -- admin: roles with scopes; the census and the street register ------------------------------------------------

ROLE_NAMES = {"pb_official": _l("urzędnik BO"), "department_reviewer": _l("weryfikator w wydziale"),
              "moderator": _l("moderator konsultacji"), "coordinator": _l("koordynator"), "admin": _l("administrator"),
              "ops": _l("zespół utrzymania"), "resident": _l("mieszkaniec")}
REGISTER_MAX_BYTES = 60 * 1024 * 1024  # a city's register in one file (glos_web.LARGE_UPLOADS lets it through)


def staff_directory() -> dict[str, dict]:
    """Staff by account id → their name and e-mail (identity-svc answers staff only, and lists no resident: a
    resident stays an id in the audit log)."""
    return {person["account_id"]: person for person in identity_api.staff_names(token=token(), cache_s=30)}


def account_of(typed: str) -> str:
    """An account typed as an e-mail (looked up in identity-svc) or as its id."""
    if "@" in typed:
        return identity_api.find_resident(token=token(), json={"email": typed})["account_id"]
    return typed


@bp.route("/role", methods=["GET", "POST"])
@role_required("admin")
def staff_roles():
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("account_id", "role", "scope", "reason")}
        try:
            account = account_of(values["account_id"])
            if request.form.get("action") == "revoke":
                identity_api.take_role(account, values['role'],
                                       token=token(), json={"reason": values["reason"]})
                flash(_("Odebrano rolę."), "success")
            else:
                identity_api.give_role(account, token=token(), json={
                    "role": values["role"], "scope": values["scope"] or None, "reason": values["reason"]})
                flash(_("Nadano rolę."), "success")
            return redirect(url_for("office.staff_roles"))
        except ApiError as exc:
            errors = exc.field_errors() or {"_form": exc.message()}
            if exc.status == 404 or "email" in errors:  # no such account, by the path or the e-mail
                errors = {"account_id": exc.message() if exc.status == 404 else errors["email"]}
            status = exc.status
    staff = identity_api.staff(token=token())
    return render_template("office/roles.html", staff=staff, values=values, errors=errors, role_names=ROLE_NAMES), status


@bp.route("/rejestry", methods=["GET", "POST"])
@role_required("pb_official", "coordinator")
def registers():
    """The census of residents (CSV pesel;first_name;last_name;district) and the street register
    (street;district), each uploaded with the reason the audit keeps. The census is imported in the background
    (a city's register takes minutes): the upload leads to its progress page; the streets answer at once."""
    values, errors, report, status = {}, {}, None, 200
    if request.method == "POST":
        which = request.form.get("register")
        values = {"reason": request.form.get("reason", "").strip()}
        upload = request.files.get("file")
        content = upload.read(REGISTER_MAX_BYTES + 1) if upload else b""
        if not content:
            errors["file"] = _("Wybierz plik CSV.")
        elif len(content) > REGISTER_MAX_BYTES:
            errors["file"] = _("Plik jest większy niż 60 MB.")
        if not errors:
            try:
                if which == "census":
                    job = identity_api.import_census(token=token(),
                                                     params={"reason": values["reason"]}, data=content,
                                                     headers={"Content-Type": "text/csv"}, timeout=120)
                    return redirect(url_for("office.census_import", import_id=job["id"]), 303)
                report = identity_api.replace_streets(token=token(), params={"reason": values["reason"]},
                                                      data=content, headers={"Content-Type": "text/csv"}, timeout=120)
                flash(_("Rejestr ulic wczytany."), "success")
            except ApiError as exc:
                errors = {"_form": exc.message(), **exc.field_errors()}
                status = exc.status
        else:
            status = 422
    imports = identity_api.census_imports(token=token())
    return render_template("office/registers.html", values=values, errors=errors, report=report,
                           imports=imports, import_status=CENSUS_IMPORT_STATUS), status


CENSUS_REJECTED_SHOWN = 200  # rows listed on the page; all of them in the CSV
CENSUS_IMPORT_STATUS = {"queued": _l("w kolejce"), "running": _l("trwa"), "done": _l("zakończone"),
                        "failed": _l("przerwane")}
CENSUS_REJECTION_REASONS = {"invalid_pesel": _l("nieprawidłowy PESEL"), "missing_name": _l("brak imienia lub nazwiska"),
                            "unknown_district": _l("nieznane osiedle (ani w kolumnie, ani w rejestrze ulic)"),
                            "duplicate_pesel": _l("PESEL powtórzony w pliku")}
CENSUS_IMPORT_ERRORS = {"interrupted": _l("Wczytywanie przerwało się (usługa została zatrzymana). Dotychczasowy "
                                          "rejestr obowiązuje nadal; wczytaj plik ponownie."),
                        "server_error": _l("Wczytywanie nie powiodło się z powodu błędu serwera. Dotychczasowy "
                                           "rejestr obowiązuje nadal; wczytaj plik ponownie.")}


def _census_progress(job: dict) -> dict:
    total = job["total_rows"] or 0
    percent = 100 if job["status"] == "done" else (job["processed_rows"] * 100 // total if total else 0)
    return {"status": job["status"], "status_line": _("Stan: %(status)s.", status=CENSUS_IMPORT_STATUS[job["status"]]),
            "processed_rows": job["processed_rows"], "total_rows": total, "percent": percent,
            "summary": _("Przetworzono %(done)s z %(total)s wierszy (%(percent)s%%).", done=i18n.number(job["processed_rows"]),
                         total=i18n.number(total), percent=percent),
            "finished": job["status"] in ("done", "failed")}


@bp.route("/rejestry/spis/<uuid:import_id>")
@role_required("pb_official", "coordinator")
def census_import(import_id):
    """One census import: a progress bar while it runs (census_progress.js asks census_import_state and moves
    it; without JavaScript the page is refreshed by hand), then the report with the rejected rows."""
    job = identity_api.census_import(import_id, token=token())
    return render_template("office/census_import.html", job=job, progress=_census_progress(job),
                           rejected_shown=CENSUS_REJECTED_SHOWN,
                           import_status=CENSUS_IMPORT_STATUS, reasons=CENSUS_REJECTION_REASONS,
                           import_errors=CENSUS_IMPORT_ERRORS)


@bp.route("/rejestry/spis/<uuid:import_id>/odrzucone.csv")
@role_required("pb_official", "coordinator")
def census_rejected_rows(import_id):
    """Every rejected row of an import (the page shows the first CENSUS_REJECTED_SHOWN): its number and why,
    never its content — the office corrects the rows in its own copy of the file."""
    job = identity_api.census_import(import_id, token=token())
    rows = [[row["row"], CENSUS_REJECTION_REASONS.get(row["reason"], row["reason"])]
            for row in (job["report"] or {}).get("rejected", [])]
    return csv_download([[_("wiersz"), _("powód")], *rows], f"spis-odrzucone-{import_id}.csv")


@bp.route("/rejestry/spis/<uuid:import_id>/stan")
@role_required("pb_official", "coordinator")
def census_import_state(import_id):
    """The progress of an import for the page's script (JSON, same-origin)."""
    job = identity_api.census_import(import_id, token=token())
    response = jsonify(_census_progress(job))
    response.headers["Cache-Control"] = "no-store"
    return response
