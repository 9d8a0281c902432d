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


def me(svc, access_token):
    return api(svc, "GET", "/me/data", headers={"Authorization": f"Bearer {access_token}"})


def reset_link_token(svc, email: str) -> str:
    """The token of the reset link identity-svc queued for `email` (the mail relay would send it)."""
    import re

    from sqlalchemy import text

    assert api(svc, "POST", "/password-reset", json={"email": email}).status_code == 202
    with svc.database.engine.connect() as conn:
        body = conn.execute(text("SELECT body FROM outgoing_mail WHERE to_address = :e ORDER BY id DESC LIMIT 1"),
                            {"e": email}).scalar_one()
    return re.search(r"token=([^\s]+)", body).group(1)


def test_a_password_reset_ends_every_login_at_once_even_if_redis_forgot_the_revocations(svc):
    """Issue 24 (2): another browser's login downloaded the person's data 2 minutes after the reset."""
    email, password = account(svc)
    victim, attacker = login(svc, email, password).json, login(svc, email, password).json
    assert me(svc, attacker["access_token"]).status_code == 200
    changed = api(svc, "POST", "/password-reset/confirm",
                  json={"token": reset_link_token(svc, email), "password": "Nowe-haslo-po-zmianie-2"})
    assert changed.status_code == 200, changed.text
    # the answer names the account, so that the site ends its own sessions of it
    assert changed.json["account_id"] == account_id_of(attacker["access_token"])
    for old in (victim, attacker):
        refused = me(svc, old["access_token"])  # the access token, minutes before it would expire
        assert refused.status_code == 401 and refused.json["type"].endswith("/invalid-token"), refused.text
        assert refresh(svc, old["refresh_token"]).status_code == 401
    # the revocation every other service reads is there, for as long as an access token lives …
    for old in (victim, attacker):
        assert 0 < svc.redis.ttl(f"glos:revoked-login:{sid_of(old['access_token'])}") <= 15 * 60
    # … and identity-svc itself refuses the old login from its own records even when Redis lost it
    svc.redis.flushdb()
    assert me(svc, attacker["access_token"]).status_code == 401
    fresh = login(svc, email, "Nowe-haslo-po-zmianie-2").json
    assert me(svc, fresh["access_token"]).status_code == 200


def test_deleting_the_account_revokes_every_login_s_access_tokens_at_every_service(svc):
    email, password = account(svc)
    here, elsewhere = login(svc, email, password).json, login(svc, email, password).json
    gone = api(svc, "DELETE", "/me", headers={"Authorization": f"Bearer {here['access_token']}"},
               json={"password": password})
    assert gone.status_code == 204, gone.text
    assert svc.redis.exists(f"glos:revoked-login:{sid_of(elsewhere['access_token'])}")
    assert me(svc, elsewhere["access_token"]).status_code == 401


def test_a_logout_revokes_its_login_and_only_its_login(svc):
    email, password = account(svc)
    leaving, staying = login(svc, email, password).json, login(svc, email, password).json
    out = api(svc, "POST", "/logout", headers={"Authorization": f"Bearer {leaving['access_token']}"},
              json={"refresh_token": leaving["refresh_token"]})
    assert out.status_code == 204, out.text
    assert svc.redis.exists(f"glos:revoked-login:{sid_of(leaving['access_token'])}")
    assert me(svc, leaving["access_token"]).status_code == 401
    assert me(svc, staying["access_token"]).status_code == 200
    assert refresh(svc, staying["refresh_token"]).status_code == 200


def sid_of(access_token: str) -> str:
    import jwt

    return jwt.decode(access_token, options={"verify_signature": False})["sid"]


def account_id_of(access_token: str) -> str:
    import jwt

    return jwt.decode(access_token, options={"verify_signature": False})["sub"]
