"""Registration → confirmation mail (through the worker's mail relay to the stack's SMTP sink) → confirm →
login. The password policy, no account enumeration and the mail limits are identity-svc's own, asserted on the
mail it queues: tests/service/test_registration.py."""

from __future__ import annotations

import email
import re
import uuid
from email import policy

import requests

from glos_testing import wait_until


def mails_to(platform, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(platform.mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def register(gateway, address, password="Rower-nad-Brdą-2027", name="Ala Testowa"):
    return requests.post(f"{gateway}/api/identity/register", timeout=10,
                         json={"email": address, "password": password, "display_name": name})


def test_register_confirm_by_mail_then_log_in(gateway, platform):
    address = f"nowa-{uuid.uuid4().hex[:10]}@glos.local"
    r = register(gateway, address)
    assert r.status_code == 202, r.text
    before = requests.post(f"{gateway}/api/identity/token", json={"email": address, "password": "Rower-nad-Brdą-2027"},
                           timeout=10)
    assert before.status_code == 403 and before.json()["type"].endswith("/email-not-confirmed")

    (message,) = wait_until(lambda: mails_to(platform, address), timeout=30, message="the confirmation mail")
    body = message.get_content()
    # the link opens the site's confirmation page, which confirms through this API with the same token
    token = re.search(r"http://\S+/konto/potwierdz\?token=(\S+)", body).group(1)
    link = f"{gateway}/api/identity/register/confirm?token={token}"
    assert "48" in body and "potwierdzić" in body

    tampered = requests.get(link[:-3] + "xyz", timeout=10)
    assert tampered.status_code == 400
    assert tampered.json()["errors"][0]["field"] == "token"
    confirmed = requests.get(link, timeout=10)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    after = requests.post(f"{gateway}/api/identity/token", json={"email": address, "password": "Rower-nad-Brdą-2027"},
                          timeout=10)
    assert after.status_code == 200
    assert requests.get(link, timeout=10).status_code == 200  # confirming twice is harmless
