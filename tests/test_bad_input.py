"""Bad input to the skeleton endpoints: a 4xx problem+json naming the field, and nothing written anywhere
(neither the change nor its outbox event)."""

from __future__ import annotations

import os
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

import stack


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


@pytest.fixture(scope="module")
def edition_id(gateway, official_headers):
    r = requests.post(f"{gateway}/api/proposals/editions", headers=official_headers, timeout=10,
                      json={"name": f"BO Walidacja {uuid.uuid4().hex[:8]}", "city": "Suwałki", "year": 2027})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _fields(r: requests.Response, status: int = 422) -> dict[str, str]:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status
    return {e["field"]: e["message"] for e in body.get("errors", [])}


CASES = [
    pytest.param({"name": 12345, "city": "Kalisz", "year": 2027}, {"name": "Wartość musi być tekstem."},
                 id="wrong-type-string"),
    pytest.param({"name": "BO Kalisz", "city": "Kalisz", "year": "2027"},
                 {"year": "Wartość musi być liczbą całkowitą."}, id="wrong-type-integer"),
    pytest.param({"city": "Kalisz"}, {"name": "Pole jest wymagane.", "year": "Pole jest wymagane."},
                 id="missing-fields"),
    pytest.param({"name": "BO Kalisz", "city": "Kalisz", "year": 2027, "budget": 5}, {"budget": "Nieznane pole."},
                 id="unknown-field"),
    pytest.param({"name": "BO Kalisz", "city": "Kalisz", "year": 1999}, {"year": None}, id="out-of-range"),
    pytest.param(["not", "an", "object"], {"_schema": None}, id="not-an-object"),
]


@pytest.mark.parametrize("payload,expected", CASES)
def test_invalid_edition_is_refused_by_field(gateway, official_headers, unchanged, payload, expected):
    errors = _fields(requests.post(f"{gateway}/api/proposals/editions", json=payload, headers=official_headers,
                                   timeout=10))
    for field, message in expected.items():
        assert field in errors, errors
        if message:
            assert errors[field] == message


def test_errors_are_in_english_when_asked(gateway, official_headers, unchanged):
    r = requests.post(f"{gateway}/api/proposals/editions", json={"city": "Kalisz"}, timeout=10,
                      headers={**official_headers, "Accept-Language": "en-GB,en;q=0.9"})
    errors = _fields(r)
    assert errors["name"] == "Missing data for required field."
    assert r.json()["title"] == "Invalid data"
    assert r.headers["Content-Language"] == "en"


def test_invalid_proposal_names_every_field(gateway, resident_headers, edition_id, unchanged):
    r = requests.post(f"{gateway}/api/proposals/editions/{edition_id}/proposals", headers=resident_headers,
                      json={"title": "ab", "cost_items": [{"name": "Ławki", "amount": -5}], "colour": "red"},
                      timeout=10)
    errors = _fields(r)
    assert set(errors) == {"title", "cost_items.0.amount", "colour"}


def test_malformed_json_is_a_400_problem(gateway, official_headers, unchanged):
    r = requests.post(f"{gateway}/api/proposals/editions", data=b'{"name": "BO", "city": ', timeout=10,
                      headers={**official_headers, "Content-Type": "application/json"})
    errors = _fields(r, 400)
    assert "_body" in errors
    assert r.json()["type"].endswith("/malformed-json")


def test_oversize_body_straight_to_the_service_is_a_413_problem(official_headers, unchanged):
    port = stack.PROFILES["test"].service_port("proposals")
    body = b'{"name": "' + b"x" * (1_100_000) + b'"}'
    r = requests.post(f"http://127.0.0.1:{port}/editions", data=body, timeout=10,
                      headers={**official_headers, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_duplicate_edition_name_is_a_409_naming_the_field(gateway, official_headers, proposals_db):
    payload = {"name": f"BO Duplikat {uuid.uuid4().hex[:8]}", "city": "Bydgoszcz", "year": 2027}
    first = requests.post(f"{gateway}/api/proposals/editions", json=payload, headers=official_headers, timeout=10)
    assert first.status_code == 201
    before = _counts(proposals_db)
    errors = _fields(requests.post(f"{gateway}/api/proposals/editions", json=payload, headers=official_headers,
                                   timeout=10), 409)
    assert "name" in errors
    assert _counts(proposals_db) == before


def test_concurrent_identical_editions_make_one_edition(gateway, official_headers, proposals_db):
    import concurrent.futures

    payload = {"name": f"BO Wyścig {uuid.uuid4().hex[:8]}", "city": "Piotrków Trybunalski", "year": 2027}
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: requests.post(f"{gateway}/api/proposals/editions", json=payload,
                                                        headers=official_headers, timeout=10), range(10)))
    assert sorted({r.status_code for r in answers}) in ([201, 409], [201])
    assert sum(r.status_code == 201 for r in answers) == 1
    for r in answers:
        assert r.status_code < 500
    with proposals_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM editions WHERE name = :n"), {"n": payload["name"]}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM outbox o JOIN editions e ON o.key = e.id::text "
                                 "WHERE e.name = :n"), {"n": payload["name"]}).scalar() == 1


def test_proposal_for_an_unknown_edition_is_a_404_problem(gateway, resident_headers, unchanged):
    r = requests.post(f"{gateway}/api/proposals/editions/{uuid.uuid4()}/proposals", headers=resident_headers,
                      json={"title": "Ławki"}, timeout=10)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")


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
