"""Hostile JSON through the gateway to every service: a lone surrogate is a 422 naming the field, deep nesting a
400, and nothing written. The field-by-field refusals of proposals-svc's own endpoints (wrong types, unknown
fields, malformed JSON, oversize bodies, duplicates, two identical requests at once) are its service layer's:
proposals-svc/tests/service/test_bad_input.py."""

from __future__ import annotations

import os

import pytest
import requests
from sqlalchemy import create_engine, text


@pytest.fixture(scope="module")
def proposals_db():
    engine = create_engine(os.environ["PROPOSALS_DATABASE_URL"])
    yield engine
    engine.dispose()


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT (SELECT count(*) FROM editions), (SELECT count(*) FROM proposals), (SELECT count(*) FROM outbox)"
        )).one())


@pytest.fixture
def unchanged(proposals_db):
    before = _counts(proposals_db)
    yield
    assert _counts(proposals_db) == before, "a refused request left rows behind"


def _fields(r: requests.Response, status: int = 422) -> dict[str, str]:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status
    return {e["field"]: e["message"] for e in body.get("errors", [])}


# --------------------------------------------------------------------------- hostile JSON (issue 14: 1 and 2)

SURROGATE = '"\\ud800"'  # a lone UTF-16 surrogate: valid JSON, not Unicode text


@pytest.mark.parametrize("path, body, field", [
    ("/api/identity/register", '{"email": "a@glos.local", "password": "Dlugie-haslo-123", "display_name": %s}',
     "display_name"),
    ("/api/identity/token", '{"email": %s, "password": "x"}', "email"),
    ("/api/proposals/editions", '{"name": "BO", "city": "Kalisz", "year": 2027, "settings": {"categories": [%s]}}',
     "settings.categories.0"),
    ("/api/consultation/consultations", '{"subject": %s}', "subject"),
], ids=["register", "token", "nested-field", "consultation"])
def test_a_lone_surrogate_is_a_422_naming_the_field(gateway, official_headers, unchanged, path, body, field):
    r = requests.post(f"{gateway}{path}", data=(body % SURROGATE).encode(), timeout=10,
                      headers={**official_headers, "Content-Type": "application/json"})
    assert _fields(r, 422) == {field: "Nieprawidłowy znak w tekście."}


@pytest.mark.parametrize("path", ["/api/identity/register", "/api/proposals/editions",
                                  "/api/consultation/consultations", "/api/identity/token"])
def test_deeply_nested_json_is_a_400_not_a_crash(gateway, official_headers, unchanged, path):
    for depth in (50_000, 40):
        r = requests.post(f"{gateway}{path}", data=b"[" * depth + b"]" * depth, timeout=10,
                          headers={**official_headers, "Content-Type": "application/json"})
        assert _fields(r, 400) == {"_body": "Zbyt głębokie zagnieżdżenie."}
