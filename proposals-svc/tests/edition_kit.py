"""Helpers for the proposals-svc tests: an edition with a city-wide pool and two districts, residents whose
verification has reached proposals-svc, complete proposal content, and the office's calls."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import create_engine, text

from glos_testing import login, new_resident, seed_account, wait_until

DEFAULT_TIMEOUT = 10


def api(gateway: str, method: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
    return requests.request(method, f"{gateway}/api/proposals{path}", headers=headers or {}, timeout=DEFAULT_TIMEOUT,
                            **kwargs)


def new_edition(gateway: str, official: dict, *, support_required: int = 2) -> dict:
    """An edition open for submissions: city-wide + Dąb + Ligota, the scheduler having opened submission."""
    edition = api(gateway, "POST", "/editions", official, json={
        "name": f"BO Katowice 2027 {uuid.uuid4().hex[:6]}", "city": "Katowice", "year": 2027,
        "settings": {"support_required": support_required, "categories": ["zieleń", "sport", "infrastruktura"]}})
    assert edition.status_code == 201, edition.text
    edition_id = edition.json()["id"]
    areas = {}
    for name, kind, budget, limit in (("Ogólnomiejski", "city", 5_000_000, 1_000_000),
                                      ("Dąb", "district", 500_000, 200_000), ("Ligota", "district", 500_000, 200_000)):
        r = api(gateway, "POST", f"/editions/{edition_id}/areas", official,
                json={"name": name, "kind": kind, "budget": budget, "max_project_cost": limit})
        assert r.status_code == 201, r.text
        areas[name] = r.json()
    now = datetime.now(UTC)
    schedule = [("submission", now - timedelta(minutes=1), now + timedelta(days=14)),
                ("formal_verification", now + timedelta(days=14), now + timedelta(days=30)),
                ("substantive_verification", now + timedelta(days=30), now + timedelta(days=60)),
                ("appeals", now + timedelta(days=60), now + timedelta(days=70)),
                ("lists_published", now + timedelta(days=70), now + timedelta(days=80)),
                ("voting", now + timedelta(days=80), now + timedelta(days=95))]
    r = api(gateway, "PUT", f"/editions/{edition_id}/schedule", official, json={
        "reason": "zarządzenie Prezydenta Miasta", "phases": [
            {"phase": p, "starts_at": s.isoformat(), "ends_at": e.isoformat()} for p, s, e in schedule]})
    assert r.status_code == 200, r.text
    wait_until(lambda: api(gateway, "GET", f"/editions/{edition_id}/schedule").json()["current_phase"] == "submission",
               timeout=30, message="the scheduler opening the submission phase")
    return {"id": edition_id, "areas": areas}


def local_initiative_programme(gateway: str, official: dict, city: str = "Kalisz") -> tuple[dict, dict]:
    """A local-initiative programme (min. 15 points) with one city-wide area, its submission open for 300 days."""
    r = api(gateway, "POST", "/editions", official, json={
        "name": f"Inicjatywa lokalna {city} {uuid.uuid4().hex[:8]}", "city": city, "year": 2027,
        "kind": "local_initiative", "settings": {"min_score": 15}})
    assert r.status_code == 201, r.text
    programme = r.json()
    area = api(gateway, "POST", f"/editions/{programme['id']}/areas", official,
               json={"name": f"Całe miasto {city}", "kind": "city", "budget": 300_000, "max_project_cost": 50_000}).json()
    now = datetime.now(UTC)
    assert api(gateway, "PUT", f"/editions/{programme['id']}/schedule", official, json={
        "reason": "nabór ciągły", "phases": [{"phase": "submission", "starts_at": (now - timedelta(hours=1)).isoformat(),
                                              "ends_at": (now + timedelta(days=300)).isoformat()}]}).status_code == 200
    wait_until(lambda: api(gateway, "GET", f"/editions/{programme['id']}/schedule").json()["current_phase"]
               == "submission", timeout=30, message="the programme opening")
    return programme, area


def verified_resident(gateway: str, district: str = "Dąb"):
    """A resident whose `resident.verified` event has reached proposals-svc (its projection of residents)."""
    resident = new_resident(gateway, district)

    def projected():
        with create_engine(os.environ["PROPOSALS_DATABASE_URL"]).connect() as conn:
            return conn.execute(text("SELECT 1 FROM resident_views WHERE account_id = :a"),
                                {"a": resident.account_id}).first()

    wait_until(projected, timeout=30, message="proposals-svc learning of the resident's verification")
    return resident


def reviewer(gateway: str, official: dict, department: str) -> dict:
    """A department reviewer whose role is scoped to `department` (granted by an admin in identity-svc)."""
    email = f"recenzent-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-recenzenta-123456", "resident")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-recenzenta-123456')}"}
    from glos_testing import account_id_of

    r = requests.post(f"{gateway}/api/identity/accounts/{account_id_of(headers)}/roles", headers=official, timeout=10,
                      json={"role": "department_reviewer", "scope": department, "reason": "pracownik wydziału"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {login(gateway, email, 'haslo-recenzenta-123456')}"}  # the new role's token


def department(gateway: str, official: dict, prefix: str) -> str:
    code = f"{prefix}-{uuid.uuid4().hex[:6].upper()}"
    r = api(gateway, "POST", "/departments", official, json={"code": code, "name": f"Wydział {prefix}"})
    assert r.status_code == 201, r.text
    return code


def full_content(area_id: str, *, title: str, lat: float, lon: float, items=((" Ławki", 30_000), ("Montaż", 10_000))):
    return {"title": title, "area_id": area_id, "category": "zieleń",
            "description": "Dziesięć ławek i pięć koszy na śmieci wzdłuż alejki w parku, z montażem i projektem.",
            "justification": "Mieszkańcy nie mają gdzie odpocząć podczas spaceru.",
            "location_address": "Park Bogucki, Katowice", "latitude": lat, "longitude": lon,
            "cost_items": [{"name": name.strip(), "amount": amount} for name, amount in items],
            "beneficiaries": "Spacerowicze, seniorzy, rodziny z dziećmi.",
            "universal_design": "Ławki z oparciami i podłokietnikami, dojście bez progów."}


def submitted(gateway: str, resident, content: dict) -> dict:
    draft = api(gateway, "POST", f"/editions/{content.pop('edition_id')}/proposals", resident.headers, json=content)
    assert draft.status_code == 201, draft.text
    r = api(gateway, "POST", f"/proposals/{draft.json()['id']}/submission", resident.headers)
    assert r.status_code == 200, r.text
    return r.json()


def all_items_pass(note: str = "") -> dict:
    return {"items": {code: {"passed": True} for code in ("complete", "competence", "cost_limit")}, "reason": note}


def proposals_db(sql: str, **params):
    engine = create_engine(os.environ["PROPOSALS_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()
