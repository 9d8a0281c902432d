"""Helpers for proposals-svc's service tests: an edition with a city-wide pool and two districts, residents
whose verification has reached this service (a real `resident.verified` envelope handed to its handler), complete
proposal content, and the office's calls — all through the app's own test client."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from glos_chassis.testing import Caller, ServiceUnderTest, deliver, envelope
from proposals_svc import handlers
from proposals_svc.models import processed_events
from proposals_svc.phases import advance_due_editions


def api(svc: ServiceUnderTest, method: str, path: str, headers: dict | None = None, *, params=None, **kwargs):
    return svc.client.open(path, method=method, headers=headers or {}, query_string=params, **kwargs)


def deliver_event(svc: ServiceUnderTest, type_: str, subject: str, data: dict, *, source: str) -> None:
    deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS,
            envelope(type_, subject, data, source=source))


def verified_resident(svc: ServiceUnderTest, district: str = "Dąb", level: str = "declared") -> Caller:
    """A resident whose `resident.verified` (identity-svc's event, as on the wire) this service has handled."""
    resident = svc.caller("resident")
    deliver_event(svc, "resident.verified", resident.account_id, {
        "account_id": resident.account_id, "level": level, "district": district, "age_band": "18-64"},
        source="identity-svc")
    return resident


def run_scheduler(svc: ServiceUnderTest, at: datetime | None = None) -> int:
    """One pass of the worker's phase scheduler."""
    return advance_due_editions(svc.sessions, at)


def new_edition(svc: ServiceUnderTest, official: Caller, *, support_required: int = 2) -> dict:
    """An edition open for submissions: city-wide + Dąb + Ligota, the scheduler having opened submission."""
    edition = api(svc, "POST", "/editions", official.headers, json={
        "name": f"BO Katowice 2027 {uuid.uuid4().hex[:6]}", "city": "Katowice", "year": 2027,
        "settings": {"support_required": support_required, "categories": ["zieleń", "sport", "infrastruktura"]}})
    assert edition.status_code == 201, edition.text
    edition_id = edition.json["id"]
    areas = {}
    for name, kind, budget, limit in (("Ogólnomiejski", "city", 5_000_000, 1_000_000),
                                      ("Dąb", "district", 500_000, 200_000), ("Ligota", "district", 500_000, 200_000)):
        r = api(svc, "POST", f"/editions/{edition_id}/areas", official.headers,
                json={"name": name, "kind": kind, "budget": budget, "max_project_cost": limit})
        assert r.status_code == 201, r.text
        areas[name] = r.json
    now = datetime.now(UTC)
    schedule = [("submission", now - timedelta(minutes=1), now + timedelta(days=14)),
                ("formal_verification", now + timedelta(days=14), now + timedelta(days=30)),
                ("substantive_verification", now + timedelta(days=30), now + timedelta(days=60)),
                ("appeals", now + timedelta(days=60), now + timedelta(days=70)),
                ("lists_published", now + timedelta(days=70), now + timedelta(days=80)),
                ("voting", now + timedelta(days=80), now + timedelta(days=95))]
    r = api(svc, "PUT", f"/editions/{edition_id}/schedule", official.headers, json={
        "reason": "zarządzenie Prezydenta Miasta", "phases": [
            {"phase": p, "starts_at": s.isoformat(), "ends_at": e.isoformat()} for p, s, e in schedule]})
    assert r.status_code == 200, r.text
    assert run_scheduler(svc) == 1
    assert api(svc, "GET", f"/editions/{edition_id}/schedule").json["current_phase"] == "submission"
    return {"id": edition_id, "areas": areas}


def department(svc: ServiceUnderTest, official: Caller, prefix: str) -> str:
    code = f"{prefix}-{uuid.uuid4().hex[:6].upper()}"
    r = api(svc, "POST", "/departments", official.headers, json={"code": code, "name": f"Wydział {prefix}"})
    assert r.status_code == 201, r.text
    return code


def reviewer(svc: ServiceUnderTest, department_code: str) -> Caller:
    """A department reviewer whose role identity-svc scoped to one department (the token's `scopes` claim)."""
    return svc.caller("resident", "department_reviewer", scopes={"department_reviewer": [department_code]})


def full_content(area_id: str, *, title: str, lat: float, lon: float, items=((" Ławki", 30_000), ("Montaż", 10_000))):
    return {"title": title, "area_id": area_id, "category": "zieleń",
            "description": "Dziesięć ławek i pięć koszy na śmieci wzdłuż alejki w parku, z montażem i projektem.",
            "justification": "Mieszkańcy nie mają gdzie odpocząć podczas spaceru.",
            "location_address": "Park Bogucki, Katowice", "latitude": lat, "longitude": lon,
            "cost_items": [{"name": name.strip(), "amount": amount} for name, amount in items],
            "beneficiaries": "Spacerowicze, seniorzy, rodziny z dziećmi.",
            "universal_design": "Ławki z oparciami i podłokietnikami, dojście bez progów."}


def draft(svc: ServiceUnderTest, edition: dict, resident: Caller, title: str = "Mój szkic") -> str:
    r = api(svc, "POST", f"/editions/{edition['id']}/proposals", resident.headers, json={"title": title})
    assert r.status_code == 201, r.text
    return r.json["id"]


def submitted(svc: ServiceUnderTest, resident: Caller, content: dict) -> dict:
    created = api(svc, "POST", f"/editions/{content.pop('edition_id')}/proposals", resident.headers, json=content)
    assert created.status_code == 201, created.text
    r = api(svc, "POST", f"/proposals/{created.json['id']}/submission", resident.headers)
    assert r.status_code == 200, r.text
    return r.json


def all_items_pass(note: str = "") -> dict:
    return {"items": {code: {"passed": True} for code in ("complete", "competence", "cost_limit")}, "reason": note}


def local_initiative_programme(svc: ServiceUnderTest, official: Caller, city: str = "Kalisz") -> tuple[dict, dict]:
    """A local-initiative programme (min. 15 points) with one city-wide area, its submission open for 300 days."""
    r = api(svc, "POST", "/editions", official.headers, json={
        "name": f"Inicjatywa lokalna {city} {uuid.uuid4().hex[:8]}", "city": city, "year": 2027,
        "kind": "local_initiative", "settings": {"min_score": 15}})
    assert r.status_code == 201, r.text
    programme = r.json
    area = api(svc, "POST", f"/editions/{programme['id']}/areas", official.headers,
               json={"name": f"Całe miasto {city}", "kind": "city", "budget": 300_000, "max_project_cost": 50_000}).json
    now = datetime.now(UTC)
    assert api(svc, "PUT", f"/editions/{programme['id']}/schedule", official.headers, json={
        "reason": "nabór ciągły", "phases": [{"phase": "submission", "starts_at": (now - timedelta(hours=1)).isoformat(),
                                              "ends_at": (now + timedelta(days=300)).isoformat()}]}).status_code == 200
    assert run_scheduler(svc) == 1
    assert api(svc, "GET", f"/editions/{programme['id']}/schedule").json["current_phase"] == "submission"
    return programme, area


# -- an edition with Katowice 2020's city-wide and Dąb areas, and voting rules for it -------------------------

DATA = Path(__file__).resolve().parents[3] / "data" / "pabulib" / "katowice-2020"
SEED_HASH = hashlib.sha256(b"ziarno losowania 2020").hexdigest()
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "tie_break": ["fewer_cost", "draw"],
                  "draw_seed_sha256": SEED_HASH},
    "eligibility": {"voting_day": "2020-09-20", "min_age": None, "guardian_consent_under": 18,
                    "residency": "either"},
}


def edition_with_two_areas(svc, official, name: str = "BO zasady") -> str:
    edition = api(svc, "POST", "/editions", official.headers,
                  json={"name": name, "city": "Katowice", "year": 2020}).json["id"]
    for path in (DATA / "Poland_Katowice_2020.pb", DATA / "Poland_Katowice_2020_Dab.pb"):
        r = api(svc, "POST", f"/editions/{edition}/areas/pabulib", {**official.headers, "Content-Type": "text/plain"},
                data=path.read_bytes(), params={"source": path.name})
        assert r.status_code == 201, r.text
    return edition


def put_rules(svc, headers, edition, rules, reason="uchwała Rady Miasta"):
    return api(svc, "PUT", f"/editions/{edition}/voting-rules", headers, json={"rules": rules, "reason": reason})
