"""Login sessions on the real stack: refresh rotation, reuse detection, logout, lockout and its expiry."""

from __future__ import annotations

import concurrent.futures
import os
import uuid

import requests

import stack
from glos_testing import seed_account, wait_until

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


def test_a_refresh_token_used_twice_at_once_gives_one_pair_at_most(platform):
    email, password = account()
    token = login(email, password).json()["refresh_token"]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: refresh(token), range(6)))
    assert sum(r.status_code == 200 for r in answers) <= 1
    assert all(r.status_code in (200, 401) for r in answers)


def test_wrong_passwords_lock_the_account_for_a_while_then_it_opens_again(platform):
    email, password = account()
    for _ in range(5):
        assert login(email, "zle-haslo-zle").status_code == 401
    locked = login(email, password)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) >= 1
    assert locked.headers["Content-Type"].startswith("application/problem+json")
    # the lock is short (the test profile's base is 2 s): the right password works once it has passed
    wait_until(lambda: login(email, password).status_code == 200, timeout=15, interval=0.5,
               message="the lockout to expire")


def test_a_locked_account_is_locked_for_every_address_but_other_accounts_are_not(platform):
    victim, password = account()
    other, other_password = account()
    for _ in range(5):
        login(victim, "zgadywanie-hasla", address="198.51.100.1")
    assert login(victim, password, address="192.0.2.44").status_code == 429
    assert login(other, other_password, address="198.51.100.1").status_code == 200


def test_an_unconfirmed_account_cannot_log_in(platform, gateway):
    from sqlalchemy import create_engine, text

    email, password = account()
    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE accounts SET email_confirmed_at = NULL WHERE email = :e"), {"e": email})
    engine.dispose()
    r = login(email, password)
    assert r.status_code == 403 and r.json()["type"].endswith("/email-not-confirmed")
