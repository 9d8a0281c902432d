"""A ballot checked against the edition's frozen rules.

A ballot has one part per area: the city-wide part and the voter's own district's (or any district's, if
the edition lets residents choose). Every violation is reported with the area and the project it concerns,
in Polish and English, and nothing is counted unless the whole ballot is valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from glos_chassis.errors import Problem



@dataclass(frozen=True)
class Choice:
    project_id: str
    points: int


def _error(errors: list, field: str, pl: str, en: str) -> None:
    errors.append({"location": "json", "field": field, "message": pl, "message_en": en})


def validate_ballot(ballot, district: str | None, parts: list[dict], *, whole: bool = True) -> list[dict]:
    """Returns the ballot's parts normalised ({area_id, choices: [{project_id, points}]}) or raises 422.

    `district` is the voter's own (from the credential or the paper card); None for a dry run without one, which
    then does not check the own-district rule. `whole=False` checks the parts given as parts of a ballot still
    being filled in (the site checks each area's step): an empty list is then no error."""
    areas = {a["area_id"]: a for a in ballot.areas}
    rules = ballot.rules
    errors: list[dict] = []
    normalised = []
    seen_areas: set[str] = set()
    for i, part in enumerate(parts):
        where = f"parts.{i}"
        area = areas.get(str(part["area_id"]))
        if area is None:
            _error(errors, f"{where}.area_id", "Nie ma takiego obszaru na karcie.", "No such area on the ballot.")
            continue
        if area["area_id"] in seen_areas:
            _error(errors, f"{where}.area_id", f"Obszar „{area['name']}” podano dwa razy.",
                   f"Area '{area['name']}' given twice.")
            continue
        seen_areas.add(area["area_id"])
        if area["kind"] == "district" and rules.get("district_choice", "own") == "own" \
                and district is not None and area["name"] != district:
            _error(errors, f"{where}.area_id",
                   f"Głosujesz w swoim osiedlu ({district}), nie w „{area['name']}”.",
                   f"You vote in your own district ({district}), not in '{area['name']}'.")
            continue
        rule = rules[area["kind"]]
        projects = {p["proposal_id"]: p for p in area["projects"]}
        choices = part["choices"]
        ids = [str(c["project_id"]) for c in choices]
        for j, project_id in enumerate(ids):
            if project_id not in projects:
                _error(errors, f"{where}.choices.{j}.project_id", "Tego projektu nie ma na karcie w tym obszarze.",
                       "This project is not on the ballot in this area.")
        if len(set(ids)) != len(ids):
            _error(errors, f"{where}.choices", "Projekt wybrano więcej niż raz.", "A project is chosen more than once.")
        if not rule["min_projects"] <= len(choices) <= rule["max_projects"]:
            _error(errors, f"{where}.choices",
                   f"Wybierz od {rule['min_projects']} do {rule['max_projects']} projektów w „{area['name']}” "
                   f"(wybrano {len(choices)}).",
                   f"Choose {rule['min_projects']} to {rule['max_projects']} projects in '{area['name']}' "
                   f"({len(choices)} chosen).")
        points = _points(rule, choices, where, errors)
        if rule["type"] == "budget_approval":
            total = sum(projects[p]["cost"] for p in ids if p in projects)
            if total > area["budget"]:
                _error(errors, f"{where}.choices",
                       f"Wybrane projekty kosztują {total} zł, więcej niż pula obszaru ({area['budget']} zł).",
                       f"The chosen projects cost {total} PLN, more than the area's budget ({area['budget']} PLN).")
        normalised.append({"area_id": area["area_id"],
                           "choices": [{"project_id": p, "points": pts} for p, pts in zip(ids, points)]})
    if not parts and whole:
        _error(errors, "parts", "Karta jest pusta.", "The ballot is empty.")
    if errors:
        raise Problem(422, "Karta do głosowania jest nieważna: szczegóły w errors.",
                      "The ballot is not valid: see errors.", type_="https://glos.pl/problems/invalid-ballot",
                      errors=errors)
    return normalised


def _points(rule: dict, choices: list[dict], where: str, errors: list) -> list[int]:
    kind = rule["type"]
    if kind in ("approval", "budget_approval"):
        for j, c in enumerate(choices):
            if c.get("points") not in (None, 1):
                _error(errors, f"{where}.choices.{j}.points", "W tym głosowaniu nie przyznaje się punktów.",
                       "This vote gives no points.")
        return [1] * len(choices)
    if kind == "ordinal":
        ranks = rule["rank_points"]
        return [ranks[j] if j < len(ranks) else 0 for j in range(len(choices))]
    points = [c.get("points") for c in choices]  # cumulative
    for j, p in enumerate(points):
        if not isinstance(p, int) or p < 1:
            _error(errors, f"{where}.choices.{j}.points", "Podaj liczbę punktów (co najmniej 1).",
                   "Give a number of points (at least 1).")
    if all(isinstance(p, int) for p in points) and sum(points) > rule["max_points"]:
        _error(errors, f"{where}.choices",
               f"Za dużo punktów: można rozdać najwyżej {rule['max_points']}, rozdano {sum(points)}.",
               f"Too many points: at most {rule['max_points']} can be given, {sum(points)} were.")
    return [p if isinstance(p, int) else 0 for p in points]
