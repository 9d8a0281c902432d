"""Helpers for the tests (imported by test modules; devstack/ is on sys.path via the root conftest)."""

from __future__ import annotations

import time

import pytest
import requests

import stack

PROFILE = stack.PROFILES["test"]


def login(gateway: str | None, email: str, password: str) -> str:
    # direct to identity-svc: the gateway's login rate limit is for people, not for a test suite
    url = f"http://127.0.0.1:{PROFILE.service_port('identity')}/token"
    response = requests.post(url, json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]



def assert_problem(r: requests.Response, status: int) -> dict:
    """An answer that is an RFC 9457 problem (application/problem+json) with this status; its body."""
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def wait_until(condition, timeout: float = 30, interval: float = 0.2, message: str = "condition"):
    """Poll `condition` until it returns a truthy value; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def make_pesel(year: int, month: int, day: int, serial: int = 1234) -> str:
    """A PESEL with a correct check digit for the given birth date (the century is encoded in the month)."""
    offset = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[year // 100]
    digits = f"{year % 100:02d}{month + offset:02d}{day:02d}{serial:04d}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights)) % 10) % 10
    return digits + str(check)


_identity_sessions: dict[str, object] = {}  # by database URL: a fault test points the environment elsewhere


def seed_account(email: str, password: str, roles: str = "resident") -> None:
    """Create or update an account with identity-svc's own code — what `identity-svc seed-account` runs — in this
    process, against the database the environment names (the root conftest points it at the test stack). A CLI
    process per account cost a second of CPU for its imports alone, and the suite makes hundreds of accounts:
    the largest single CPU cost of a CI run on two cores."""
    from glos_chassis.config import load_settings
    from glos_chassis.db import make_engine, make_session_factory, session_scope
    from identity_svc.config import IdentitySettings
    from identity_svc.service import upsert_account

    url = load_settings(IdentitySettings).database_url.get_secret_value()
    if url not in _identity_sessions:
        _identity_sessions[url] = make_session_factory(make_engine(url))
    with session_scope(_identity_sessions[url]) as session:
        upsert_account(session, email, password, "Test", [r.strip() for r in roles.split(",") if r.strip()])


def account_id_of(headers: dict) -> str:
    """The account id (the token's subject) behind some access headers."""
    import jwt

    return jwt.decode(headers["Authorization"].split(" ", 1)[1], options={"verify_signature": False})["sub"]


def new_resident(gateway: str, district: str = "Dąb", *, roles: str = "resident"):
    """A new account that declared residency with a fresh PESEL: its headers, PESEL and account id."""
    import uuid
    from types import SimpleNamespace

    email = f"mieszkaniec-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, "haslo-mieszkanca-123456", roles)
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-mieszkanca-123456')}"}
    pesel = make_pesel(1980, 1 + uuid.uuid4().int % 12, 1 + uuid.uuid4().int % 28, uuid.uuid4().int % 10000)
    r = requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": pesel, "first_name": "Jan", "last_name": "Testowy", "address": "ul. Testowa 1", "district": district})
    assert r.status_code == 201, r.text
    return SimpleNamespace(headers=headers, pesel=pesel, account_id=account_id_of(headers), email=email)
