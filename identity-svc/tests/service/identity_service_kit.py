"""Helpers for identity-svc's service tests: accounts as `identity-svc seed-account` makes them, logging in
through the app's own /token, and calls through its test client."""

from __future__ import annotations

from glos_chassis.db import session_scope
from glos_chassis.testing import ServiceUnderTest
from identity_svc.service import upsert_account


def api(svc: ServiceUnderTest, method: str, path: str, headers: dict | None = None, *, params=None, **kwargs):
    return svc.client.open(path, method=method, headers=headers or {}, query_string=params, **kwargs)


def seed_account(svc: ServiceUnderTest, email: str, password: str, roles: str = "resident") -> None:
    with session_scope(svc.sessions) as session:
        upsert_account(session, email, password, "Test", [r.strip() for r in roles.split(",") if r.strip()])


def login(svc: ServiceUnderTest, email: str, password: str) -> str:
    response = api(svc, "POST", "/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json["access_token"]
