"""Bad input to proposals-svc's endpoints: a 4xx problem+json naming the field, and nothing written anywhere
(neither the change nor its outbox event); two identical requests at once make one edition."""

from __future__ import annotations

import concurrent.futures
import uuid

import pytest
from sqlalchemy import text

from proposals_service_kit import api


@pytest.fixture
def proposals_db(svc):
    return svc.database.engine


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


@pytest.fixture
def edition_id(svc, official):
    r = api(svc, "POST", "/editions", official.headers,
            json={"name": f"BO Walidacja {uuid.uuid4().hex[:8]}", "city": "Suwałki", "year": 2027})
    assert r.status_code == 201, r.text
    return r.json["id"]


@pytest.fixture
def official_headers(official):
    return official.headers


@pytest.fixture
def resident_headers(svc):
    return svc.caller("resident").headers


def _fields(r, status: int = 422) -> dict[str, str]:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json
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
def test_invalid_edition_is_refused_by_field(svc, official_headers, unchanged, payload, expected):
    errors = _fields(api(svc, "POST", "/editions", official_headers, json=payload))
    for field, message in expected.items():
        assert field in errors, errors
        if message:
            assert errors[field] == message


def test_errors_are_in_english_when_asked(svc, official_headers, unchanged):
    r = api(svc, "POST", "/editions", {**official_headers, "Accept-Language": "en-GB,en;q=0.9"},
            json={"city": "Kalisz"})
    errors = _fields(r)
    assert errors["name"] == "Missing data for required field."
    assert r.json["title"] == "Invalid data"
    assert r.headers["Content-Language"] == "en"


def test_invalid_proposal_names_every_field(svc, resident_headers, edition_id, unchanged):
    r = api(svc, "POST", f"/editions/{edition_id}/proposals", resident_headers,
            json={"title": "ab", "cost_items": [{"name": "Ławki", "amount": -5}], "colour": "red"})
    errors = _fields(r)
    assert set(errors) == {"title", "cost_items.0.amount", "colour"}


def test_malformed_json_is_a_400_problem(svc, official_headers, unchanged):
    r = api(svc, "POST", "/editions", {**official_headers, "Content-Type": "application/json"},
            data=b'{"name": "BO", "city": ')
    errors = _fields(r, 400)
    assert "_body" in errors
    assert r.json["type"].endswith("/malformed-json")


def test_oversize_body_straight_to_the_service_is_a_413_problem(svc, official_headers, unchanged):
    body = b'{"name": "' + b"x" * (1_100_000) + b'"}'
    r = api(svc, "POST", "/editions", {**official_headers, "Content-Type": "application/json"}, data=body)
    assert r.status_code == 413
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_duplicate_edition_name_is_a_409_naming_the_field(svc, official_headers, proposals_db):
    payload = {"name": f"BO Duplikat {uuid.uuid4().hex[:8]}", "city": "Bydgoszcz", "year": 2027}
    first = api(svc, "POST", "/editions", official_headers, json=payload)
    assert first.status_code == 201
    before = _counts(proposals_db)
    errors = _fields(api(svc, "POST", "/editions", official_headers, json=payload), 409)
    assert "name" in errors
    assert _counts(proposals_db) == before


def test_concurrent_identical_editions_make_one_edition(svc, official_headers, proposals_db):
    payload = {"name": f"BO Wyścig {uuid.uuid4().hex[:8]}", "city": "Piotrków Trybunalski", "year": 2027}
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: api(svc, "POST", "/editions", official_headers, json=payload), range(10)))
    assert sorted({r.status_code for r in answers}) in ([201, 409], [201])
    assert sum(r.status_code == 201 for r in answers) == 1
    for r in answers:
        assert r.status_code < 500
    with proposals_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM editions WHERE name = :n"), {"n": payload["name"]}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM outbox o JOIN editions e ON o.key = e.id::text "
                                 "WHERE e.name = :n"), {"n": payload["name"]}).scalar() == 1


def test_proposal_for_an_unknown_edition_is_a_404_problem(svc, resident_headers, unchanged):
    r = api(svc, "POST", f"/editions/{uuid.uuid4()}/proposals", resident_headers, json={"title": "Ławki"})
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")
