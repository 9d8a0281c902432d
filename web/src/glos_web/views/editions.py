"""An edition as residents read it: rules, areas and budgets, projects with filters, a project's page, the map,
the results with their charts, and how the winners are being carried out."""

from __future__ import annotations

import random
import secrets
import uuid

from flask import Blueprint, abort, jsonify, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..api import ApiError
from ..spreadsheet import csv_download
from ..clients import identity_api, proposals_api, voting_api
from .common import IMMUTABLE_S, IMPLEMENTATION_NAMES, PUBLIC_S, phase_name, status_name, token, voting_ends

bp = Blueprint("editions", __name__, url_prefix="/edycje")

SELECTION_NAMES = {"greedy": _l("zachłanna (najwięcej głosów, dopóki starcza pieniędzy)"),
                   "greedy-no-skip": _l("zachłanna bez pomijania (do pierwszego projektu, który się nie mieści)"),
                   "greedy-threshold": _l("zachłanna z progiem poparcia"),
                   "equalshares": _l("metoda równych udziałów (MES)"),
                   "equalshares/add1": _l("metoda równych udziałów z uzupełnieniem (MES + Add1)"),
                   "equalshares/add1-comparison": _l("metoda równych udziałów z uzupełnieniem i porównaniem")}
# the same, as a resident reads it first (the technical name one click away: partials/method.html)
SELECTION_PLAIN = {
    "greedy": _l("wygrywają projekty z największą liczbą głosów, po kolei, dopóki starcza pieniędzy w puli"),
    "greedy-no-skip": _l("wygrywają projekty z największą liczbą głosów, po kolei, aż do pierwszego, "
                         "na który zabraknie pieniędzy"),
    "greedy-threshold": _l("wygrywają projekty z największą liczbą głosów, po kolei, dopóki starcza pieniędzy — "
                           "jeśli zdobyły wymagane minimum"),
    "equalshares": _l("każdy głosujący ma równą część puli i płaci nią za projekty, które wybrał; wygrywają "
                      "projekty, za które głosujący mogą wspólnie zapłacić"),
    "equalshares/add1": _l("każdy głosujący ma równą część puli i płaci nią za projekty, które wybrał; gdy "
                           "pieniądze zostaną, części rosną, aż pula się wyczerpie"),
    "equalshares/add1-comparison": _l("każdy głosujący ma równą część puli i płaci nią za projekty, które "
                                      "wybrał; gdy pieniądze zostaną, części rosną, aż pula się wyczerpie")}


def edition_context(edition_id: str) -> dict:
    edition = proposals_api.edition(edition_id, cache_s=PUBLIC_S)
    schedule = proposals_api.schedule(edition_id, cache_s=PUBLIC_S)
    areas = proposals_api.areas(edition_id, cache_s=PUBLIC_S)
    return {"edition": edition, "schedule": schedule, "areas": areas, "phase_label": phase_name(edition["current_phase"]),
            "phase_name": phase_name, "voting_ends": voting_ends(schedule)}


def rules_of(edition_id: str) -> dict | None:
    return proposals_api.voting_rules(edition_id, cache_s=PUBLIC_S)


def describe_rule(rule: dict | None) -> str:
    """One area kind's ballot rule in a sentence a resident understands. A limit left out is not stated (the
    console's preview shows rules before the service has checked them)."""
    if not rule:
        return ""
    kind, low, high = rule.get("type"), rule.get("min_projects") or 0, rule.get("max_projects")
    if kind == "cumulative":
        if high is None:
            return _("Rozdziel do %(points)s punktów między wybrane projekty.", points=rule.get("max_points") or "—")
        return _("Rozdziel do %(points)s punktów między %(min)d–%(max)d projektów.", points=rule.get("max_points") or "—",
                 min=low, max=high)
    if kind == "ordinal":
        if high is None:
            return _("Uszereguj wybrane projekty od najlepszego.")
        return _("Uszereguj do %(max)d projektów od najlepszego.", max=high)
    if high is None:
        count = ngettext("co najmniej %(num)d projekt", "co najmniej %(num)d projektów", low) if low else \
            _("dowolną liczbę projektów")
    else:
        count = _("od %(min)d do %(max)d projektów", min=low, max=high)
    if kind == "budget_approval":
        return _("Wybierz projekty o łącznym koszcie nie większym niż pula obszaru: %(count)s.", count=count)
    return _("Wybierz %(count)s.", count=count)


@bp.get("/<uuid:edition_id>")
def edition(edition_id):
    ctx = edition_context(str(edition_id))
    rules = rules_of(str(edition_id))
    return render_template("editions/edition.html", **ctx, rules=rules, describe_rule=describe_rule,
                           selection_names=SELECTION_NAMES,
                           selection_plain=SELECTION_PLAIN)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _filters() -> dict:
    return {name: request.args.get(name, "").strip() for name in ("area", "category", "q", "cost_min", "cost_max",
                                                                   "order", "status")}


def _as_int(text: str) -> int | None:
    try:
        return int(text.replace(" ", "").replace("\u00a0", "")) if text else None
    except ValueError:
        return None


def filtered_projects(edition_id: str, filters: dict, areas: list[dict]) -> tuple[list[dict], dict]:
    """The edition's public proposals narrowed by the filters. Text matches title, description and address;
    the random order is the same for one visitor until they ask again (so numbers stay put while reading)."""
    params = {"area_id": filters["area"]} if filters["area"] in {a["id"] for a in areas} else {}
    if filters["status"]:
        params["status"] = filters["status"]
    projects = proposals_api.proposals(edition_id, params=params, cache_s=PUBLIC_S)
    errors = {}
    low, high = _as_int(filters["cost_min"]), _as_int(filters["cost_max"])
    if filters["cost_min"] and low is None:
        errors["cost_min"] = _("Podaj kwotę w złotych, same cyfry.")
    if filters["cost_max"] and high is None:
        errors["cost_max"] = _("Podaj kwotę w złotych, same cyfry.")
    text = filters["q"].casefold()
    out = []
    for p in projects:
        if filters["category"] and (p.get("category") or "") != filters["category"]:
            continue
        if low is not None and p["cost"] < low or high is not None and p["cost"] > high:
            continue
        if text and text not in " ".join(filter(None, (p["title"], p.get("description"), p.get("location_address"),
                                                        p.get("external_id")))).casefold():
            continue
        out.append(p)
    if filters["order"] == "random":
        seed = session.setdefault("shuffle_seed", secrets.token_hex(8))
        random.Random(f"{seed}:{edition_id}").shuffle(out)
    elif filters["order"] == "cost":
        out.sort(key=lambda p: p["cost"])
    else:
        out.sort(key=lambda p: (p.get("external_id") or "", p["title"]))
    return out, errors


@bp.get("/<uuid:edition_id>/projekty")
def projects(edition_id):
    ctx = edition_context(str(edition_id))
    filters = _filters()
    found, errors = filtered_projects(str(edition_id), filters, ctx["areas"])
    areas_by_id = {a["id"]: a for a in ctx["areas"]}
    categories = sorted({c for c in ctx["edition"]["settings"].get("categories", [])} |
                        {p["category"] for p in found if p.get("category")})
    return render_template("editions/projects.html", **ctx, projects=found, filters=filters, errors=errors,
                           areas_by_id=areas_by_id, categories=categories, status_name=status_name)


@bp.get("/<uuid:edition_id>/mapa")
def project_map(edition_id):
    ctx = edition_context(str(edition_id))
    filters = _filters()
    found, errors = filtered_projects(str(edition_id), filters, ctx["areas"])
    located = [p for p in found if p.get("latitude") is not None and p.get("longitude") is not None]
    areas_by_id = {a["id"]: a for a in ctx["areas"]}
    outlines = proposals_api.area_outlines(edition_id, cache_s=PUBLIC_S)
    if filters["area"] in areas_by_id:  # one area asked for: its outline only
        outlines = {**outlines, "features": [f for f in outlines["features"]
                                             if f["properties"]["area_id"] == filters["area"]]}
    return render_template("editions/map.html", **ctx, projects=located, unlocated=len(found) - len(located),
                           filters=filters, areas_by_id=areas_by_id, outlines=outlines)


def implementation_of(edition_id: str, proposal_id: str) -> dict | None:
    items = proposals_api.implementations(params={"edition_id": edition_id}, cache_s=PUBLIC_S)
    item = next((i for i in items if i["proposal_id"] == proposal_id), None)
    return proposals_api.implementation(item['id'], cache_s=PUBLIC_S) if item else None


@bp.get("/<uuid:edition_id>/projekty/<uuid:proposal_id>")
def project(edition_id, proposal_id):
    proposal = proposals_api.proposal(proposal_id, token=token())
    if proposal["edition_id"] != str(edition_id):
        abort(404)
    ctx = edition_context(str(edition_id))
    area = next((a for a in ctx["areas"] if a["id"] == proposal.get("area_id")), None)
    attachments = proposals_api.attachments(proposal_id, token=token())
    # not cached: a resident who has just supported or appealed must see it at once
    support = proposals_api.support(proposal_id)
    appeals = proposals_api.appeals(proposal_id)
    # opened from the ballot (its choices saved first): the way back to that step of the ballot
    ballot_area = request.args.get("ballot_area", "")
    back_to_ballot = url_for("ballot.area", edition_id=edition_id, area_id=ballot_area) + "#projects" \
        if _is_uuid(ballot_area) else None
    return render_template("editions/project.html", **ctx, proposal=proposal, area=area, attachments=attachments,
                           support=support, appeals=appeals, status_name=status_name, back_to_ballot=back_to_ballot,
                           implementation=implementation_of(str(edition_id), str(proposal_id)),
                           implementation_names=IMPLEMENTATION_NAMES)


def _published_results(edition_id: str) -> dict | None:
    try:
        return voting_api.results(edition_id, cache_s=IMMUTABLE_S)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


def _result_areas(edition_id: str, published: dict) -> list[dict]:
    """The published document's areas, each with its projects as rows (titles from the frozen ballot), the
    city first; a row carries the count's own sentence saying why it won or lost."""
    ballot = voting_api.ballot(edition_id, cache_s=IMMUTABLE_S)
    titles = {p["proposal_id"]: p for a in ballot["areas"] for p in a["projects"]}
    kinds = {a["area_id"]: a["kind"] for a in ballot["areas"]}
    areas = []
    for area in published["document"]["areas"]:
        rows = [{"id": pid, "title": titles.get(pid, {}).get("title", pid),
                 "external_id": titles.get(pid, {}).get("external_id"), **entry}
                for pid, entry in area["projects"].items()]
        rows.sort(key=lambda r: (not r["selected"], -r["score"], r["title"]))
        areas.append({**area, "rows": rows, "kind": area.get("kind") or kinds.get(area["area_id"]),
                      "winners": sum(r["selected"] for r in rows),
                      "max_score": max([r["score"] for r in rows] or [0])})
    areas.sort(key=lambda a: (a["kind"] != "city", a["name"]))
    return areas


def _population(rules: dict | None) -> dict | None:
    """identity-svc's aggregated register counts on the voting day (those old enough to vote), or None when the
    city has no register or the rules no voting day."""
    eligibility = ((rules or {}).get("voting_rules") or {}).get("eligibility") or {}
    if not eligibility.get("voting_day"):
        return None
    params = {"on": eligibility["voting_day"]}
    if eligibility.get("min_age") is not None:
        params["min_age"] = eligibility["min_age"]
    try:
        return identity_api.census_population(params=params, cache_s=300)  # the register changes rarely
    except ApiError as exc:
        if exc.status != 404:
            raise
        return None


def eligible_by_area(areas: list[dict], population: dict | None) -> dict[str, int]:
    """Each area's eligible residents: the city-wide area's are everyone's, a district's its own residents."""
    if not population:
        return {}
    by_district = {row["district"]: row["eligible"] for row in population["districts"]}
    found = {}
    for area in areas:
        eligible = population["total"] if area["kind"] == "city" else by_district.get(area["name"])
        if eligible:
            found[area["area_id"]] = eligible
    return found


AGE_BANDS = ("<18", "18-29", "30-44", "45-59", "60-74", "75+")  # the platform's (glos_chassis.age_bands)


def eligible_by_area_and_age(areas: list[dict], population: dict | None) -> dict[str, dict[str, int]]:
    """Each area's eligible residents by age band: the city-wide area's summed over every district."""
    if not population:
        return {}
    by_district = {row["district"]: row.get("age_bands") or {} for row in population["districts"]}
    found: dict[str, dict[str, int]] = {}
    for area in areas:
        if area["kind"] == "city":
            bands: dict[str, int] = {}
            for district_bands in by_district.values():
                for band, n in district_bands.items():
                    bands[band] = bands.get(band, 0) + n
        else:
            bands = dict(by_district.get(area["name"], {}))
        if bands:
            found[area["area_id"]] = bands
    return found


def _age_band_turnout(edition_id: str) -> dict[str, dict[str, int]]:
    """Voters per area and age band, as voting-svc publishes them with the results."""
    try:
        rows = voting_api.turnout_by_age_band(edition_id, cache_s=IMMUTABLE_S)
    except ApiError as exc:
        if exc.status == 404:
            return {}
        raise
    by_area: dict[str, dict[str, int]] = {}
    for row in rows:
        by_area.setdefault(row["area_id"], {})[row["age_band"]] = row["voters"]
    return by_area


def turnout_rows(areas: list[dict], voters: dict, eligible: dict, by_age: dict, eligible_by_age: dict) -> list[dict]:
    """The turnout table everyone can download: per area its voters by channel and against the eligible
    residents, then the same per age band. A share is given only where both counts are known."""
    rows = []

    def share(n, of):
        return round(100 * n / of, 2) if of else None

    for area in areas:
        channels = voters.get(area["area_id"], {})
        total = area.get("voters", sum(channels.values()))
        rows.append({"area": area["name"], "kind": area["kind"], "age_band": None,
                     "online": channels.get("online", 0), "paper": channels.get("paper", 0), "voters": total,
                     "eligible": eligible.get(area["area_id"]),
                     "turnout_percent": share(total, eligible.get(area["area_id"]))})
        for band in AGE_BANDS:
            n = by_age.get(area["area_id"], {}).get(band)
            of = eligible_by_age.get(area["area_id"], {}).get(band)
            if n is None and of is None:
                continue
            rows.append({"area": area["name"], "kind": area["kind"], "age_band": band, "online": None, "paper": None,
                         "voters": n or 0, "eligible": of, "turnout_percent": share(n or 0, of)})
    return rows


def _turnout(edition_id: str) -> dict[str, dict[str, int]]:
    by_area: dict[str, dict[str, int]] = {}
    for row in voting_api.turnout(edition_id, cache_s=IMMUTABLE_S):
        by_area.setdefault(row["area_id"], {})[row["channel"]] = row["voters"]
    return by_area


@bp.get("/<uuid:edition_id>/wyniki")
def results(edition_id):
    ctx = edition_context(str(edition_id))
    published = _published_results(str(edition_id))
    areas = _result_areas(str(edition_id), published) if published else []
    rules = rules_of(str(edition_id))
    # once the results are out the turnout is final
    return render_template("editions/results.html", **ctx, published=published, result_areas=areas,
                           voters_by_area=_turnout(str(edition_id)) if published else {},
                           eligible=eligible_by_area(areas, _population(rules)) if published else {},
                           rules=rules, selection_names=SELECTION_NAMES, selection_plain=SELECTION_PLAIN)


@bp.get("/<uuid:edition_id>/wyniki/<uuid:area_id>")
def area_results(edition_id, area_id):
    """One area's results on a page of its own (linkable): its winners, the chart, and for every project the
    count's sentence saying why it won or lost."""
    ctx = edition_context(str(edition_id))
    published = _published_results(str(edition_id))
    if not published:
        abort(404)
    area = next((a for a in _result_areas(str(edition_id), published) if a["area_id"] == str(area_id)), None)
    if area is None:
        abort(404)
    population = _population(rules_of(str(edition_id)))
    return render_template("editions/area_results.html", **ctx, published=published, area=area,
                           channels=_turnout(str(edition_id)).get(area["area_id"], {}),
                           eligible=eligible_by_area([area], population).get(area["area_id"]),
                           age_bands=AGE_BANDS, voters_by_age=_age_band_turnout(str(edition_id)).get(area["area_id"], {}),
                           eligible_by_age=eligible_by_area_and_age([area], population).get(area["area_id"], {}),
                           rules=rules_of(str(edition_id)), selection_names=SELECTION_NAMES,
                           selection_plain=SELECTION_PLAIN)


def _turnout_table(edition_id: str) -> list[dict]:
    published = _published_results(edition_id)
    if not published:
        abort(404)
    areas = _result_areas(edition_id, published)
    population = _population(rules_of(edition_id))
    return turnout_rows(areas, _turnout(edition_id), eligible_by_area(areas, population),
                        _age_band_turnout(edition_id), eligible_by_area_and_age(areas, population))


@bp.get("/<uuid:edition_id>/wyniki/frekwencja.json")
def turnout_json(edition_id):
    """The turnout table as JSON (counts only, like the page)."""
    return jsonify({"edition_id": str(edition_id), "rows": _turnout_table(str(edition_id))})


@bp.get("/<uuid:edition_id>/wyniki/frekwencja.csv")
def turnout_csv(edition_id):
    """The turnout table for a spreadsheet."""
    header = [_("obszar"), _("rodzaj"), _("wiek"), _("przez internet"), _("na papierze"), _("głosujących"),
              _("uprawnionych"), _("frekwencja (%)")]
    rows = [[r["area"], r["kind"], r["age_band"] or _("wszyscy"), r["online"], r["paper"], r["voters"], r["eligible"],
             # a decimal comma, as a Polish spreadsheet reads it next to the `;` separator
             "" if r["turnout_percent"] is None else f"{r['turnout_percent']:.2f}".replace(".", ",")]
            for r in _turnout_table(str(edition_id))]
    return csv_download([header, *rows], f"frekwencja-{edition_id}.csv")


@bp.get("/<uuid:edition_id>/realizacja")
def implementation(edition_id):
    ctx = edition_context(str(edition_id))
    status = request.args.get("status", "")
    params = {"edition_id": str(edition_id), **({"status": status} if status in IMPLEMENTATION_NAMES else {})}
    items = proposals_api.implementations(params=params, cache_s=PUBLIC_S)
    detailed = [proposals_api.implementation(i['id'], cache_s=PUBLIC_S) for i in items]
    areas_by_id = {a["id"]: a for a in ctx["areas"]}
    return render_template("editions/implementation.html", **ctx, items=detailed, status=status,
                           implementation_names=IMPLEMENTATION_NAMES, areas_by_id=areas_by_id)
