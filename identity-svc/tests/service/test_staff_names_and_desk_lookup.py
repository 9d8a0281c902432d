"""Staff see each other by name and e-mail, residents stay pseudonymous, and the verification desk finds a person
by what they can say — their e-mail or PESEL, sent in the body to identity-svc only (issue 27, point 8)."""

from __future__ import annotations

from identity_service_kit import api, login, seed_account

PESEL = "90010112318"


def test_staff_names_are_for_staff_and_list_no_resident(svc, official_headers, resident_headers):
    seed_account(svc, "moderatorka@glos.local", "haslo-moderatorki-123", "moderator")
    moderator = {"Authorization": f"Bearer {login(svc, 'moderatorka@glos.local', 'haslo-moderatorki-123')}"}
    names = api(svc, "GET", "/staff/names", moderator)
    assert names.status_code == 200
    assert {n["email"] for n in names.json} == {"urzednik.test@glos.local", "moderatorka@glos.local"}
    assert all(set(n) == {"account_id", "display_name", "email"} for n in names.json)
    assert api(svc, "GET", "/staff/names", resident_headers).status_code == 403
    staff = api(svc, "GET", "/staff", official_headers).json
    assert {s["email"] for s in staff} >= {"moderatorka@glos.local"} and all(s["display_name"] for s in staff)


def test_the_desk_finds_a_person_by_e_mail_or_pesel_and_nothing_else(svc, official_headers, resident_headers):
    declared = api(svc, "POST", "/me/resident", resident_headers, json={
        "pesel": PESEL, "first_name": "Anna", "last_name": "Nowak", "address": "ul. Dębowa 1", "district": "Dąb"})
    assert declared.status_code == 201, declared.json
    by_mail = api(svc, "POST", "/residents/lookup", official_headers, json={"email": " Mieszkaniec.Test@glos.local "})
    assert by_mail.status_code == 200
    assert by_mail.json["email"] == "mieszkaniec.test@glos.local" and by_mail.json["district"] == "Dąb"
    by_pesel = api(svc, "POST", "/residents/lookup", official_headers, json={"pesel": PESEL})
    assert by_pesel.json["account_id"] == by_mail.json["account_id"] and "pesel" not in by_pesel.json

    unknown = api(svc, "POST", "/residents/lookup", official_headers, json={"email": "nikt@glos.local"})
    assert unknown.status_code == 404 and unknown.json["errors"][0]["field"] == "email"
    bad = api(svc, "POST", "/residents/lookup", official_headers, json={"pesel": "90010112319"})  # checksum
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "pesel"
    both = api(svc, "POST", "/residents/lookup", official_headers, json={"email": "a@b.pl", "pesel": PESEL})
    assert both.status_code == 422
    assert api(svc, "POST", "/residents/lookup", resident_headers, json={"email": "a@b.pl"}).status_code == 403
