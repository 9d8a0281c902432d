"""Password reset by e-mail: the same answer for any address, a link only to an existing confirmed account,
a limit per client address, the link bound to the old password (used once), every other login ended, and
bad links counted by the login throttle. The limit per client and the throttle are identity-svc's own:
tests/service/test_password_reset.py."""

from __future__ import annotations

import email
import re
import uuid
from email import policy

import pytest
import requests

import stack
from glos_testing import seed_account, wait_until

pytestmark = pytest.mark.platform

IDENTITY = f"http://127.0.0.1:{stack.PROFILES['test'].service_port('identity')}"
OLD, NEW = "Stare-haslo-do-zmiany-1", "Nowe-haslo-po-zmianie-2"


def mails_to(platform, address: str) -> list[email.message.EmailMessage]:
    return [m for m in (email.message_from_bytes(p.read_bytes(), policy=policy.default)
                        for p in sorted(platform.mail_dir.glob("*.eml"))) if m["To"] == address]


def client(address: str) -> dict:
    # straight to identity-svc, as glos-web calls it, naming the person's address (ProxyFix reads it)
    return {"X-Forwarded-For": address}


def ask(email: str, address: str) -> requests.Response:
    return requests.post(f"{IDENTITY}/password-reset", json={"email": email}, headers=client(address), timeout=10)


def confirm(token: str, password: str, address: str) -> requests.Response:
    return requests.post(f"{IDENTITY}/password-reset/confirm", json={"token": token, "password": password},
                         headers=client(address), timeout=10)


def test_reset_by_mail_once_ending_every_other_login(platform):
    email = f"reset-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, OLD)
    before = requests.post(f"{IDENTITY}/token", json={"email": email, "password": OLD}, timeout=10).json()
    address = f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    unknown, known = ask(f"nikt-{uuid.uuid4().hex[:8]}@glos.local", address), ask(email, address)
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()  # no account enumeration
    (message,) = wait_until(lambda: mails_to(platform, email), timeout=30, message="the reset mail")
    body = message.get_content()
    token = re.search(r"/konto/nowe-haslo\?token=(\S+)", body).group(1)
    assert "Test" not in body  # the display name (seeded as "Test"): nothing anyone typed, only the link

    weak = confirm(token, "haslo123", address)
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "password"
    assert confirm(token[:-4] + "AAAA", NEW, address).status_code == 400
    done = confirm(token, NEW, address)
    assert done.status_code == 200, done.text
    again = confirm(token, NEW + "x", address)
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "token"  # used once
    assert requests.post(f"{IDENTITY}/token", json={"email": email, "password": OLD}, timeout=10).status_code == 401
    assert requests.post(f"{IDENTITY}/token", json={"email": email, "password": NEW}, timeout=10).status_code == 200
    # the login from before the reset cannot be refreshed any more
    assert requests.post(f"{IDENTITY}/token/refresh", json={"refresh_token": before["refresh_token"]},
                         timeout=10).status_code == 401
