"""Registration against identity-svc's own app: the password policy by field, no account enumeration (a taken
address answers the same and warns its owner), and the limits on the mail /register can make anyone send — asserted
on the mail queued in the same transaction (the relay to SMTP is the platform layer's walk)."""

from __future__ import annotations

import uuid

import pytest

from identity_service_kit import api


def register(svc, address, password="Rower-nad-Brdą-2027", name="Ala Testowa", headers=None):
    return api(svc, "POST", "/register", headers, json={"email": address, "password": password, "display_name": name})


def queued_mail(svc, address: str) -> list[str]:
    return [row[0] for row in svc.database.rows(
        "SELECT body FROM outgoing_mail WHERE to_address = :a ORDER BY id", a=address)]


def test_registering_a_taken_address_looks_the_same_and_warns_the_owner(svc):
    address = f"zajety-{uuid.uuid4().hex[:10]}@glos.local"
    first, second = register(svc, address), register(svc, address, password="Inne-dlugie-haslo-77")
    assert first.status_code == second.status_code == 202
    assert first.json == second.json
    messages = queued_mail(svc, address)
    assert len(messages) == 2
    assert any("już istnieje" in body for body in messages)


@pytest.mark.parametrize("password,fragment", [
    ("krotkie", "co najmniej 8"),
    ("x" * 129, "najwyżej 128"),
    ("password", "popularne"),
    ("zaq12wsx", "popularne"),
    ("Haslo123", "popularne"),
])
def test_weak_passwords_are_refused_by_field(svc, password, fragment):
    r = register(svc, f"slabe-{uuid.uuid4().hex[:8]}@glos.local", password=password)
    assert r.status_code == 422
    (error,) = r.json["errors"]
    assert error["field"] == "password" and fragment in error["message"]
    assert not svc.database.rows("SELECT 1 FROM accounts")  # nothing half-written


def test_a_long_passphrase_with_any_characters_is_fine(svc):
    passphrase = "zażółć gęślą jaźń — pięćdziesiąt cztery znaki, spacje też 🙂"
    assert register(svc, f"fraza-{uuid.uuid4().hex[:8]}@glos.local", password=passphrase).status_code == 202


def test_bad_registration_input_names_the_field(svc):
    r = api(svc, "POST", "/register", json={"email": "not-an-email", "password": "x" * 20})
    assert r.status_code == 422
    assert {e["field"] for e in r.json["errors"]} == {"email", "display_name"}


def test_registration_mails_are_limited_per_recipient_and_per_client_and_carry_nothing_typed(svc):
    """Issue 14 (5): /register cannot be used to send someone mail of an attacker's wording, or a flood of it."""
    address = f"ofiara-{uuid.uuid4().hex[:10]}@glos.local"
    client = {"X-Forwarded-For": "10.9.1.2"}
    answers = [register(svc, address, name=f"Wygrałeś! Kliknij zly.example/{i}", headers=client) for i in range(5)]
    assert {r.status_code for r in answers} == {202} and len({r.get_data() for r in answers}) == 1
    # at most three an hour to one address, whatever anyone asks, counted where they are queued (with the 202)
    messages = queued_mail(svc, address)
    assert len(messages) == 3
    assert not any("Wygrałeś" in body or "zly.example" in body for body in messages)
    flood = [register(svc, f"ktos-{i}-{uuid.uuid4().hex[:6]}@glos.local", name="x", headers=client).status_code
             for i in range(26)]
    assert flood[:25] == [202] * 25 and flood[25] == 429  # 30 registrations an hour from one client address
