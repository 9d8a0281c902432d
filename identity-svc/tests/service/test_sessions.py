"""Login sessions against identity-svc's own app: a refresh token used twice at once, lockout for every address
and its expiry, an unconfirmed account."""

from __future__ import annotations

import concurrent.futures
import uuid

from glos_testing import wait_until
from identity_service_kit import api, seed_account


def account(svc) -> tuple[str, str]:
    email, password = f"sesja-{uuid.uuid4().hex[:10]}@glos.local", "haslo-sesji-123456"
    seed_account(svc, email, password)
    return email, password


def login(svc, email, password, address="203.0.113.7"):
    return api(svc, "POST", "/token", json={"email": email, "password": password}, headers={"X-Forwarded-For": address})


def refresh(svc, token):
    return api(svc, "POST", "/token/refresh", json={"refresh_token": token})


def test_a_refresh_token_used_twice_at_once_gives_one_pair_at_most(svc):
    email, password = account(svc)
    token = login(svc, email, password).json["refresh_token"]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: refresh(svc, token), range(6)))
    assert sum(r.status_code == 200 for r in answers) <= 1
    assert all(r.status_code in (200, 401) for r in answers)


def test_wrong_passwords_lock_the_account_for_a_while_then_it_opens_again(svc):
    email, password = account(svc)
    for _ in range(5):
        assert login(svc, email, "zle-haslo-zle").status_code == 401
    locked = login(svc, email, password)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) >= 1
    assert locked.headers["Content-Type"].startswith("application/problem+json")
    # the lock is short (the test profile's base is 2 s): the right password works once it has passed
    wait_until(lambda: login(svc, email, password).status_code == 200, timeout=15, interval=0.5,
               message="the lockout to expire")


def test_a_locked_account_is_locked_for_every_address_but_other_accounts_are_not(svc):
    victim, password = account(svc)
    other, other_password = account(svc)
    for _ in range(5):
        login(svc, victim, "zgadywanie-hasla", address="198.51.100.1")
    assert login(svc, victim, password, address="192.0.2.44").status_code == 429
    assert login(svc, other, other_password, address="198.51.100.1").status_code == 200


def test_an_unconfirmed_account_cannot_log_in(svc):
    from sqlalchemy import text

    email, password = account(svc)
    with svc.database.engine.begin() as conn:
        conn.execute(text("UPDATE accounts SET email_confirmed_at = NULL WHERE email = :e"), {"e": email})
    r = login(svc, email, password)
    assert r.status_code == 403 and r.json["type"].endswith("/email-not-confirmed")
