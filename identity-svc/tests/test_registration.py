"""Registration → confirmation mail (through the worker's mail relay to the stack's SMTP sink) → confirm →
login; the password policy; no account enumeration."""

from __future__ import annotations

import email
import os
import re
import uuid
from email import policy

import pytest
import requests
from sqlalchemy import create_engine, text

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


def test_registering_a_taken_address_looks_the_same_and_warns_the_owner(gateway, platform):
    address = f"zajety-{uuid.uuid4().hex[:10]}@glos.local"
    first, second = register(gateway, address), register(gateway, address, password="Inne-dlugie-haslo-77")
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    messages = wait_until(lambda: len(mails_to(platform, address)) == 2 and mails_to(platform, address),
                          timeout=30, message="both mails")
    assert any("już istnieje" in m.get_content() for m in messages)


@pytest.mark.parametrize("password,fragment", [
    ("krotkie", "co najmniej 8"),
    ("x" * 129, "najwyżej 128"),
    ("password", "popularne"),
    ("zaq12wsx", "popularne"),
    ("Haslo123", "popularne"),
])
def test_weak_passwords_are_refused_by_field(gateway, password, fragment):
    r = register(gateway, f"slabe-{uuid.uuid4().hex[:8]}@glos.local", password=password)
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["field"] == "password" and fragment in error["message"]


def test_a_long_passphrase_with_any_characters_is_fine(gateway):
    passphrase = "zażółć gęślą jaźń — pięćdziesiąt cztery znaki, spacje też 🙂"
    assert register(gateway, f"fraza-{uuid.uuid4().hex[:8]}@glos.local", password=passphrase).status_code == 202


def test_bad_registration_input_names_the_field(gateway):
    r = requests.post(f"{gateway}/api/identity/register", json={"email": "not-an-email", "password": "x" * 20},
                      timeout=10)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"email", "display_name"}


def test_registration_mails_are_limited_per_recipient_and_per_client_and_carry_nothing_typed(platform):
    """Issue 14 (5): /register cannot be used to send someone mail of an attacker's wording, or a flood of it."""
    import stack

    identity = f"http://127.0.0.1:{stack.PROFILES['test'].service_port('identity')}"
    address = f"ofiara-{uuid.uuid4().hex[:10]}@glos.local"
    client = {"X-Forwarded-For": f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
    answers = [requests.post(f"{identity}/register", headers=client, timeout=10, json={
        "email": address, "password": "Rower-nad-Brdą-2027", "display_name": f"Wygrałeś! Kliknij zly.example/{i}"})
        for i in range(5)]
    assert {r.status_code for r in answers} == {202} and len({r.text for r in answers}) == 1
    # at most three an hour to one address, whatever anyone asks: counted where they are queued (with the 202)…
    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"])
    with engine.connect() as conn:
        queued = conn.execute(text("SELECT count(*) FROM outgoing_mail WHERE to_address = :a"), {"a": address}).scalar()
    engine.dispose()
    assert queued == 3
    # …and read where they arrive
    messages = wait_until(lambda: len(found := mails_to(platform, address)) == 3 and found, timeout=30,
                          message="the three mails in the mail sink")
    assert not any("Wygrałeś" in m.get_content() or "zly.example" in m.get_content() for m in messages)
    flood = [requests.post(f"{identity}/register", headers=client, timeout=10, json={
        "email": f"ktos-{i}-{uuid.uuid4().hex[:6]}@glos.local", "password": "Rower-nad-Brdą-2027",
        "display_name": "x"}).status_code for i in range(26)]
    assert flood[:25] == [202] * 25 and flood[25] == 429  # 30 registrations an hour from one client address
