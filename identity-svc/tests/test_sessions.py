"""Login sessions on the real stack: refresh rotation, reuse detection, and a logout every service honours at once.
Concurrent refreshes, lockout and its expiry are identity-svc's own: tests/service/test_sessions.py."""

from __future__ import annotations

import uuid

import requests

import stack
from glos_testing import seed_account

IDENTITY = f"http://127.0.0.1:{stack.PROFILES['test'].service_port('identity')}"  # no gateway login limit here


def account() -> tuple[str, str]:
    email, password = f"sesja-{uuid.uuid4().hex[:10]}@glos.local", "haslo-sesji-123456"
    seed_account(email, password)
    return email, password


def login(email, password, address="203.0.113.7"):
    return requests.post(f"{IDENTITY}/token", json={"email": email, "password": password}, timeout=10,
                         headers={"X-Forwarded-For": address})


def refresh(token):
    return requests.post(f"{IDENTITY}/token/refresh", json={"refresh_token": token}, timeout=10)


def test_login_refresh_rotation_reuse_detection_and_logout(gateway, platform):
    email, password = account()
    first = login(email, password)
    assert first.status_code == 200, first.text
    pair = first.json()
    assert pair["token_type"] == "Bearer" and pair["refresh_token"] and pair["access_token"]

    second = refresh(pair["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != pair["refresh_token"]

    # the old token again: theft assumed, the whole family dies, including the fresh one
    reuse = refresh(pair["refresh_token"])
    assert reuse.status_code == 401 and reuse.headers["Content-Type"].startswith("application/problem+json")
    assert refresh(rotated["refresh_token"]).status_code == 401

    # a new login, then logout revokes its refresh token and its access token at once
    pair = login(email, password).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    me = requests.get(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10)
    assert me.status_code == 404  # authenticated (no declaration yet)
    out = requests.post(f"{gateway}/api/identity/logout", json={"refresh_token": pair["refresh_token"]},
                        headers=headers, timeout=10)
    assert out.status_code == 204
    assert refresh(pair["refresh_token"]).status_code == 401
    # every service refuses the logged-out access token
    for url in (f"{gateway}/api/identity/me/resident", f"{gateway}/api/proposals/editions"):
        method = requests.get if url.endswith("resident") else requests.post
        r = method(url, headers=headers, json={}, timeout=10)
        assert r.status_code == 401, (url, r.text)
        assert "unieważniony" in r.json()["detail"]
