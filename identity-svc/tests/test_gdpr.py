"""GDPR: a person downloads their data and deletes their account; what the law needs stays, without
personal data."""

from __future__ import annotations

import os
import uuid

import requests
from sqlalchemy import create_engine, text

from glos_testing import login, make_pesel, seed_account, wait_until


def test_download_then_delete(gateway, official_headers):
    email, password = f"rodo-{uuid.uuid4().hex[:8]}@glos.local", "haslo-rodo-123456"
    seed_account(email, password)
    headers = {"Authorization": f"Bearer {login(gateway, email, password)}"}
    pesel = make_pesel(1983, 6, 6, 4447)
    assert requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": pesel, "first_name": "Róża", "last_name": "Prywatna", "address": "ul. Cicha 2",
        "district": "Murcki"}).status_code == 201
    edition = uuid.uuid4()
    requests.put(f"{gateway}/api/identity/editions/{edition}/eligibility", headers=official_headers, timeout=10,
                 json={"voting_day": "2027-06-01", "residency": "either", "reason": "test RODO"})
    credential = requests.post(f"{gateway}/api/identity/editions/{edition}/credential", json={}, headers=headers,
                               timeout=10).json()

    download = requests.get(f"{gateway}/api/identity/me/data", headers=headers, timeout=10)
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    data = download.json()
    assert data["account"]["email"] == email
    assert data["resident"]["pesel"] == pesel and data["resident"]["last_name"] == "Prywatna"
    assert data["credentials"][0]["edition_id"] == str(edition)

    wrong = requests.delete(f"{gateway}/api/identity/me", json={"password": "nie-to-haslo"}, headers=headers,
                            timeout=10)
    assert wrong.status_code == 401
    gone = requests.delete(f"{gateway}/api/identity/me", json={"password": password}, headers=headers, timeout=10)
    assert gone.status_code == 204
    assert requests.get(f"{gateway}/api/identity/me/data", headers=headers, timeout=10).status_code == 401

    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM accounts WHERE email = :e"), {"e": email}).scalar() == 0
        dump = " ".join(str(r) for table in ("residents", "refresh_tokens", "outgoing_mail", "accounts")
                        for r in conn.execute(text(f"SELECT t::text FROM {table} t")).scalars())
        assert pesel not in dump and "Prywatna" not in dump and email not in dump
        # the fact that this voter key received a credential stays (no personal data in it)
        assert conn.execute(text("SELECT count(*) FROM issued_credentials WHERE voter_key = :k"),
                            {"k": credential["voter_key"]}).scalar() == 1
    engine.dispose()


def test_deleting_the_account_checks_the_password_through_the_login_lockout(gateway):
    """A stolen access token must not turn DELETE /me into a password oracle without a lockout."""
    email, password = f"rodo-lock-{uuid.uuid4().hex[:8]}@glos.local", "haslo-rodo-lock-123456"
    seed_account(email, password)
    headers = {"Authorization": f"Bearer {login(gateway, email, password)}"}
    statuses = [requests.delete(f"{gateway}/api/identity/me", json={"password": f"zgadywane-{i}"}, headers=headers,
                                timeout=10).status_code for i in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429  # locked after the fifth wrong password
    locked = requests.delete(f"{gateway}/api/identity/me", json={"password": password}, headers=headers, timeout=10)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0  # even the right one waits
    # the login of the same account is locked too: one counter for every password check
    assert requests.post(f"{gateway}/api/identity/token", json={"email": email, "password": password},
                         timeout=10).status_code == 429
    # the test profile's lockout lasts seconds; while it lasts every attempt is a 429 (and counts nothing)
    wait_until(lambda: requests.delete(f"{gateway}/api/identity/me", json={"password": password}, headers=headers,
                                       timeout=10).status_code == 204,
               timeout=int(locked.headers["Retry-After"]) + 10, interval=0.5, message="the lockout to end")
