"""Resident verification, eligibility rules, voter credentials (verified offline with voting-svc's own code),
and roles — against identity-svc's own app and database, with the audit rows and outbox events they must leave."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from glos_chassis.errors import Problem
from glos_testing import make_pesel
from identity_service_kit import api, login, seed_account
from voting_svc.credentials import verify_credential

VOTING_DAY = "2027-05-31"


@pytest.fixture
def identity_db(svc):
    return svc.database.engine


def new_resident(svc) -> tuple[dict, str]:
    email = f"mieszkaniec-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(svc, email, "haslo-testowe-123456")
    token = login(svc, email, "haslo-testowe-123456")
    return {"Authorization": f"Bearer {token}"}, email


def declare(svc, headers, pesel, district="Koszutka", **extra):
    body = {"pesel": pesel, "first_name": "Zofia", "last_name": "Testowa", "address": "ul. Mickiewicza 1, Katowice",
            "district": district, **extra}
    return api(svc, "POST", "/me/resident", json=body, headers=headers)


def set_rules(svc, headers, edition_id, **rules):
    body = {"voting_day": VOTING_DAY, "residency": "either", "reason": "zasady z uchwały Rady Miasta", **rules}
    return api(svc, "PUT", f"/editions/{edition_id}/eligibility", json=body, headers=headers)




def test_residency_declaration_stores_pesel_only_hashed_and_encrypted(svc, identity_db):
    headers, _ = new_resident(svc)
    pesel = make_pesel(1990, 3, 12, 4411)
    r = declare(svc, headers, pesel)
    assert r.status_code == 201, r.text
    assert r.json["pesel_masked"] == "*******" + pesel[-4:]
    assert r.json["verification_level"] == "declared"
    with identity_db.connect() as conn:
        row_text = " ".join(str(v) for v in conn.execute(text("SELECT * FROM residents")).all())
        events = " ".join(str(v) for v in conn.execute(text("SELECT payload FROM outbox")).all())
    assert pesel not in row_text and "Testowa" not in row_text
    assert pesel not in events and "Testowa" not in events


def test_a_pesel_belongs_to_one_account(svc):
    pesel = make_pesel(1985, 11, 2, 7719)
    first, _ = new_resident(svc)
    second, _ = new_resident(svc)
    assert declare(svc, first, pesel).status_code == 201
    r = declare(svc, second, pesel)
    assert r.status_code == 409
    assert r.json["errors"][0]["field"] == "pesel"


@pytest.mark.parametrize("pesel,fragment", [("44051401358", "kontrolna"), ("12345", "11 cyfr"),
                                            ("9902301234X", "cyfr")])
def test_an_invalid_pesel_is_a_422_naming_the_field(svc, pesel, fragment):
    headers, _ = new_resident(svc)
    r = declare(svc, headers, pesel)
    assert r.status_code == 422
    error = r.json["errors"][0]
    assert error["field"] == "pesel" and fragment in error["message"]


def test_credentials_are_stable_per_edition_unlinkable_across_editions_and_verify_offline(
        svc, official_headers, verifier):
    edition_a, edition_b = uuid.uuid4(), uuid.uuid4()
    for edition in (edition_a, edition_b):
        assert set_rules(svc, official_headers, edition, min_age=16).status_code == 200
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(1970, 1, 20, 3331), district="Dąb").status_code == 201

    def credential(edition):
        r = api(svc, "POST", f"/editions/{edition}/credential", json={}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json

    first, again, other = credential(edition_a), credential(edition_a), credential(edition_b)
    assert first["voter_key"] == again["voter_key"]
    assert first["voter_key"] != other["voter_key"]
    checked = verify_credential(verifier, first["credential"], edition_a)
    assert checked.voter_key == first["voter_key"]
    assert checked.district == "Dąb" and checked.age == 57 and checked.verification_level == "declared"
    assert checked.channel == "online"
    with pytest.raises(Problem) as wrong_edition:
        verify_credential(verifier, first["credential"], edition_b)
    assert wrong_edition.value.status == 403
    access_token = headers["Authorization"].split()[1]
    with pytest.raises(Problem) as not_a_credential:
        verify_credential(verifier, access_token, edition_a)  # an access token is for another audience
    assert not_a_credential.value.status == 401


@pytest.mark.parametrize("rules,birth,body,rule", [
    ({"min_age": 16}, (2011, 6, 1), {}, "min_age"),
    ({"guardian_consent_under": 18}, (2010, 1, 1), {}, "guardian_consent"),
    ({"residency": "census"}, (1980, 1, 1), {}, "residency"),
])
def test_an_ineligible_person_gets_a_403_naming_the_rule(svc, official_headers, rules, birth, body, rule):
    edition = uuid.uuid4()
    assert set_rules(svc, official_headers, edition, **rules).status_code == 200
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(*birth, serial=2221)).status_code == 201
    r = api(svc, "POST", f"/editions/{edition}/credential", json=body, headers=headers)
    assert r.status_code == 403, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json["errors"][0]["field"] == rule
    assert r.json["type"].endswith(f"/ineligible/{rule}")


def test_guardian_consent_lets_a_minor_vote(svc, official_headers, verifier):
    edition = uuid.uuid4()
    assert set_rules(svc, official_headers, edition, guardian_consent_under=18, min_age=13).status_code == 200
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(2012, 3, 3, 1117)).status_code == 201
    r = api(svc, "POST", f"/editions/{edition}/credential", json={"guardian_consent": True},
                      headers=headers)
    assert r.status_code == 201, r.text
    assert verify_credential(verifier, r.json["credential"], edition).age == 15


def test_no_rules_no_credential_and_no_declaration_no_credential(svc, official_headers):
    headers, _ = new_resident(svc)
    r = api(svc, "POST", f"/editions/{uuid.uuid4()}/credential", json={}, headers=headers)
    assert r.status_code == 403 and r.json["type"].endswith("/not_verified")
    assert declare(svc, headers, make_pesel(1991, 4, 4, 8881)).status_code == 201
    r = api(svc, "POST", f"/editions/{uuid.uuid4()}/credential", json={}, headers=headers)
    assert r.status_code == 404


def test_an_official_requests_a_paper_credential_on_a_voters_behalf_audited(svc, official_headers, verifier,
                                                                            identity_db, resident_headers):
    edition = uuid.uuid4()
    assert set_rules(svc, official_headers, edition).status_code == 200
    headers, _ = new_resident(svc)
    pesel = make_pesel(1964, 8, 8, 6663)
    assert declare(svc, headers, pesel).status_code == 201
    r = api(svc, "POST", f"/editions/{edition}/credential/on-behalf", json={"pesel": pesel},
                      headers=official_headers)
    assert r.status_code == 201, r.text
    credential = verify_credential(verifier, r.json["credential"], edition)
    assert credential.channel == "paper"
    online = api(svc, "POST", f"/editions/{edition}/credential", json={}, headers=headers).json
    assert online["voter_key"] == credential.voter_key  # one person, one key, whatever the channel
    with identity_db.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'credential.issued_on_behalf' "
                                    "AND details->>'voter_key' = :k"), {"k": credential.voter_key}).scalar()
    assert audited == 1
    denied = api(svc, "POST", f"/editions/{edition}/credential/on-behalf", json={"pesel": pesel},
                           headers=resident_headers)
    assert denied.status_code == 403


def test_in_person_verification_by_an_official_is_audited(svc, official_headers, identity_db):
    headers, email = new_resident(svc)
    assert declare(svc, headers, make_pesel(1977, 7, 7, 5551)).status_code == 201
    with identity_db.connect() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE email = :e"), {"e": email}).scalar()
    r = api(svc, "POST", f"/residents/{account_id}/in-person-verification", headers=official_headers,
                      json={"document": "id_card", "reason": "punkt konsultacyjny, Rynek 1"})
    assert r.status_code == 200, r.text
    assert r.json["verification_level"] == "in_person"
    with identity_db.connect() as conn:
        row = conn.execute(text("SELECT actor, reason FROM audit_log WHERE action = 'resident.verified_in_person' "
                                "AND target = :t"), {"t": str(account_id)}).one()
    assert row.reason == "punkt konsultacyjny, Rynek 1"


def test_roles_are_granted_and_revoked_by_admins_with_audit_and_events(svc, official_headers, identity_db,
                                                                       resident_headers):
    _, email = new_resident(svc)
    with identity_db.connect() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE email = :e"), {"e": email}).scalar()
    url = f"/accounts/{account_id}/roles"
    granted = api(svc, "POST", url, json={"role": "moderator", "scope": "consultation:all", "reason": "nowa moderatorka"},
                            headers=official_headers)
    assert granted.status_code == 200, granted.text
    assert "moderator" in granted.json["roles"]
    assert api(svc, "POST", url, json={"role": "admin", "reason": "próba"}, headers=resident_headers).status_code == 403
    revoked = api(svc, "DELETE", f"{url}/moderator", json={"reason": "koniec konsultacji"}, headers=official_headers)
    assert revoked.status_code == 200 and "moderator" not in revoked.json["roles"]
    assert api(svc, "POST", url, json={"role": "wizard", "reason": "x" * 5}, headers=official_headers).status_code == 422
    with identity_db.connect() as conn:
        audit = conn.execute(text("SELECT action, reason FROM audit_log WHERE target = :t ORDER BY id"),
                             {"t": str(account_id)}).all()
        events = conn.execute(text("SELECT event_type, payload->'data' FROM outbox WHERE key = :k ORDER BY id"),
                              {"k": str(account_id)}).all()
    assert [tuple(a) for a in audit] == [("role.granted", "nowa moderatorka"), ("role.revoked", "koniec konsultacji")]
    assert [e[0] for e in events] == ["role.granted", "role.revoked"]
    assert email not in str(events)


def test_a_foreigner_without_pesel_gets_a_stable_synthetic_identity_and_can_vote(svc, official_headers,
                                                                                 identity_db, verifier):
    headers, email = new_resident(svc)
    with identity_db.connect() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE email = :e"), {"e": email}).scalar()
    body = {"country": "UA", "document_type": "residence_card", "document_number": "RC1234567",
            "first_name": "Olena", "last_name": "Kowalenko", "birth_date": "1990-02-03",
            "address": "ul. Gdańska 3, Bydgoszcz", "district": "Śródmieście", "reason": "karta pobytu okazana"}
    url = f"/residents/{account_id}/foreigner-verification"
    r = api(svc, "POST", url, json=body, headers=official_headers)
    assert r.status_code == 200, r.text
    assert r.json["verification_level"] == "in_person"
    edition = uuid.uuid4()
    assert set_rules(svc, official_headers, edition, residency="census").status_code == 200
    first = api(svc, "POST", f"/editions/{edition}/credential", json={}, headers=headers)
    assert first.status_code == 201, first.text
    again = api(svc, "POST", url, json=body, headers=official_headers)  # the same document again
    assert again.status_code == 200
    second = api(svc, "POST", f"/editions/{edition}/credential", json={}, headers=headers)
    assert first.json["voter_key"] == second.json["voter_key"]  # stable identity
    assert verify_credential(verifier, second.json["credential"], edition).age == 37
    other, _ = new_resident(svc)
    with identity_db.connect() as conn:
        other_id = conn.execute(text("SELECT id FROM accounts WHERE email = :e"), {"e": _}).scalar()
    taken = api(svc, "POST", f"/residents/{other_id}/foreigner-verification", json=body,
                          headers=official_headers)
    assert taken.status_code == 409 and taken.json["errors"][0]["field"] == "document_number"


def test_scoped_roles_travel_in_the_access_token(svc, official_headers, identity_db):
    email, password = f"recenzent-{uuid.uuid4().hex[:8]}@glos.local", "haslo-recenzenta-123"
    seed_account(svc, email, password)
    with identity_db.connect() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE email = :e"), {"e": email}).scalar()
    r = api(svc, "POST", f"/accounts/{account_id}/roles", headers=official_headers, json={"role": "department_reviewer", "scope": "department:drogi", "reason": "Wydział Dróg"})
    assert r.status_code == 200, r.text
    import jwt

    claims = jwt.decode(login(svc, email, password), options={"verify_signature": False})
    assert "department_reviewer" in claims["roles"]
    assert claims["scopes"] == {"department_reviewer": ["department:drogi"]}
