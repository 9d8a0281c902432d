"""Helpers for consultation-svc's tests: residents known to consultation-svc, staff accounts, a survey with every
question type, and calls through the gateway."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import requests
from sqlalchemy import create_engine, text

from glos_testing import account_id_of, login, new_resident, seed_account, wait_until


def api(gateway: str, method: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
    return requests.request(method, f"{gateway}/api/consultation{path}", headers=headers or {}, timeout=30, **kwargs)


def consultation_db(sql: str, **params):
    engine = create_engine(os.environ["CONSULTATION_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def resident(gateway: str, district: str = "Dąb"):
    """A resident of `district` whose verification consultation-svc has heard of."""
    person = new_resident(gateway, district)
    wait_until(lambda: consultation_db("SELECT 1 FROM resident_views WHERE account_id = :a", a=person.account_id),
               timeout=30, message="consultation-svc learning of the resident")
    return person


def staff(gateway: str, admin_headers: dict, role: str, scope: str | None = None) -> SimpleNamespace:
    """An account with `role` (granted by an admin in identity-svc), logged in afresh to carry it."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-pracownika-123456", "resident")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-pracownika-123456')}"}
    r = requests.post(f"{gateway}/api/identity/accounts/{account_id_of(headers)}/roles", headers=admin_headers,
                      timeout=10, json={"role": role, "scope": scope, "reason": "pracownik urzędu"})
    assert r.status_code == 200, r.text
    return SimpleNamespace(headers={"Authorization": f"Bearer {login(gateway, email, 'haslo-pracownika-123456')}"},
                           account_id=account_id_of(headers), email=email)


def new_consultation(gateway: str, coordinator: dict, **overrides) -> dict:
    body = {"subject": f"Rewitalizacja placu na Dębie {uuid.uuid4().hex[:6]}",
            "description": "Jak ma wyglądać plac po przebudowie?", "scope_districts": ["Dąb"],
            "forms": ["survey", "comments", "meetings"], "participation": "residents_in_scope", "department": "WUA",
            "moderation": "post", "flag_threshold": 2,
            "closes_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(), **overrides}
    r = api(gateway, "POST", "/consultations", coordinator, json=body)
    assert r.status_code == 201, r.text
    return r.json()


EVERY_TYPE = [
    {"code": "q1", "type": "single", "text": "Czy korzysta Pan/Pani z placu?", "required": True,
     "spec": {"options": ["codziennie", "czasem", "nigdy"]}},
    {"code": "q2", "type": "multiple", "text": "Czego brakuje na placu?", "required": True,
     "spec": {"options": ["ławek", "zieleni", "cienia", "placu zabaw"], "min_choices": 1, "max_choices": 2}},
    {"code": "q3", "type": "scale", "text": "Jak ocenia Pan/Pani plac dziś?", "required": True,
     "spec": {"min": 1, "max": 5, "labels": {"1": "źle", "5": "dobrze"}}},
    {"code": "q4", "type": "ranking", "text": "Uszereguj pomysły", "required": True,
     "spec": {"options": ["fontanna", "drzewa", "scena"]}},
    {"code": "q5", "type": "numeric", "text": "Ile minut dziennie spędza Pan/Pani na placu?",
     "spec": {"min": 0, "max": 600, "integer": True}},
    {"code": "q6", "type": "short_text", "text": "Jedno słowo o placu", "spec": {"max_length": 40}},
    {"code": "q7", "type": "long_text", "text": "Dlaczego Pan/Pani nie korzysta?", "required": True,
     "condition": {"question": "q1", "any_of": ["nigdy"]}},
    {"code": "q8", "type": "matrix", "text": "Oceń elementy", "required": True,
     "spec": {"rows": ["oświetlenie", "czystość"], "min": 1, "max": 5}},
    {"code": "q9", "type": "long_text", "text": "Inne uwagi", "spec": {"max_length": 2000}},
]
