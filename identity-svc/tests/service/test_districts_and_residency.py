"""Issue 23 (1): a district is one of the city's, never free text — "dab" for "Dąb" was stored as typed and its
resident lost their district ballot. The district is chosen from the city's list or found through the street
register; a resident sees their residency and corrects it until they have voted (audited). Against
identity-svc's own app and database; the city's list is Katowice's 22 districts (conftest)."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from glos_chassis.testing import outbox_events
from glos_testing import make_pesel
from identity_service_kit import api
from identity_svc.models import outbox
from test_residents_and_credentials import declare, new_resident, set_rules


def audit_rows(svc, action: str) -> list:
    return svc.database.rows("SELECT actor, target, reason, details FROM audit_log WHERE action = :a ORDER BY id",
                             a=action)


def test_the_city_s_districts_are_public_in_polish_order(svc):
    r = api(svc, "GET", "/districts")
    assert r.status_code == 200
    listed = r.json["districts"]
    assert len(listed) == 22 and "Dąb" in listed and "Załęże" in listed
    assert listed.index("Szopienice-Burowiec") < listed.index("Śródmieście") < listed.index("Zarzecze")
    assert r.json["street_register"] is False


def test_a_district_not_on_the_city_s_list_is_refused_by_its_field(svc):
    headers, _ = new_resident(svc)
    r = declare(svc, headers, make_pesel(1990, 3, 12, 4411), district="dab")
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json["errors"][0]["field"] == "district" and "z listy" in r.json["errors"][0]["message"]
    assert svc.database.scalar("SELECT count(*) FROM residents") == 0  # nothing half-written


def test_a_district_differing_only_in_case_and_spaces_is_the_city_s_spelling(svc):
    headers, _ = new_resident(svc)
    r = declare(svc, headers, make_pesel(1990, 3, 12, 4412), district="  DĄB ")
    assert r.status_code == 201, r.text
    assert r.json["district"] == "Dąb"


def test_without_a_district_the_street_register_decides_or_the_field_asks_for_one(svc, official_headers):
    headers, _ = new_resident(svc)
    r = declare(svc, headers, make_pesel(1991, 4, 1, 3301), district=None, address="ul. Dębowa 5")
    assert r.status_code == 422
    assert r.json["errors"][0]["field"] == "district" and "rejestrze" in r.json["errors"][0]["message"]
    streets = "street;district\nDębowa;Dąb\nul. Nowa Ulica;Nowe Osiedle\n"
    assert api(svc, "PUT", "/streets", params={"reason": "rejestr ulic"}, headers={
        **official_headers, "Content-Type": "text/csv"}, data=streets.encode()).status_code == 200
    found = api(svc, "GET", "/districts/for-address", params={"address": "ul. Dębowa 5/2, 40-001 Katowice"})
    assert found.json == {"street": "dębowa", "district": "Dąb"}
    assert api(svc, "GET", "/districts/for-address", params={"address": "ul. Nieznana 1"}).json["district"] is None
    r = declare(svc, headers, make_pesel(1991, 4, 1, 3301), district=None, address="ul. Dębowa 5")
    assert r.status_code == 201 and r.json["district"] == "Dąb"
    listed = api(svc, "GET", "/districts").json
    assert "Nowe Osiedle" in listed["districts"] and listed["street_register"] is True  # the register's district


def test_the_office_adds_and_removes_districts_audited_but_not_one_people_live_in(svc, official_headers,
                                                                                  resident_headers):
    body = {"names": ["Osiedle Nowe", "dąb"], "reason": "uchwała o podziale na osiedla"}
    assert api(svc, "POST", "/districts", json=body, headers=resident_headers).status_code == 403
    r = api(svc, "POST", "/districts", json=body, headers=official_headers)
    assert r.status_code == 200 and len(r.json["districts"]) == 23  # "dąb" is Dąb, already there
    [(actor, target, reason, details)] = audit_rows(svc, "districts.added")
    assert reason == "uchwała o podziale na osiedla" and details["added"] == ["Osiedle Nowe"]
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(1980, 1, 1, 1234), district="Osiedle Nowe").status_code == 201
    refused = api(svc, "DELETE", "/districts/Osiedle Nowe", params={"reason": "pomyłka"}, headers=official_headers)
    assert refused.status_code == 409 and "mieszkańców (1)" in refused.json["detail"]
    assert api(svc, "DELETE", "/districts/Murcki", params={"reason": "pomyłka"},
               headers=official_headers).json["districts"].count("Murcki") == 0
    assert audit_rows(svc, "districts.removed")[0][3]["removed"] == "Murcki"


def test_a_resident_sees_and_corrects_their_residency_audited_and_announced(svc):
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(1975, 5, 5, 5501), district="Dąbrówka Mała").status_code == 201
    mine = api(svc, "GET", "/me/resident", headers=headers).json
    assert mine["district"] == "Dąbrówka Mała" and mine["address"] == "ul. Mickiewicza 1, Katowice"
    assert mine["district_correctable"] is True and mine["district_locked_because"] is None
    unknown = api(svc, "PATCH", "/me/resident", headers=headers, json={"address": "ul. Dębowa 5", "district": "dab"})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "district"
    r = api(svc, "PATCH", "/me/resident", headers=headers, json={"address": "ul. Dębowa 5", "district": "Dąb"})
    assert r.status_code == 200, r.text
    assert r.json["district"] == "Dąb" and r.json["address"] == "ul. Dębowa 5"
    [(actor, target, reason, details)] = audit_rows(svc, "resident.residency_corrected")
    assert actor == target and details == {"district_before": "Dąbrówka Mała", "district_after": "Dąb"}
    announced = [e.data["district"] for e in outbox_events(svc.database, outbox, "resident.verified")]
    assert announced == ["Dąbrówka Mała", "Dąb"]  # consultation-svc and the others learn the new district
    assert "Dębowa" not in json.dumps(details)  # the address stays encrypted, out of the audit trail


def test_after_voting_in_an_edition_under_way_the_district_stays(svc, official_headers):
    ended, under_way = uuid.uuid4(), uuid.uuid4()
    assert set_rules(svc, official_headers, ended,
                     voting_day=(date.today() - timedelta(days=30)).isoformat()).status_code == 200
    assert set_rules(svc, official_headers, under_way,
                     voting_day=(date.today() + timedelta(days=3)).isoformat()).status_code == 200
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(1966, 6, 6, 6601), district="Zawodzie").status_code == 201
    assert api(svc, "POST", f"/editions/{ended}/credential", json={}, headers=headers).status_code == 201
    # a vote in last year's edition does not hold the district
    assert api(svc, "GET", "/me/resident", headers=headers).json["district_correctable"] is True
    assert api(svc, "POST", f"/editions/{under_way}/credential", json={}, headers=headers).status_code == 201
    mine = api(svc, "GET", "/me/resident", headers=headers).json
    assert mine["district_correctable"] is False and mine["district_locked_because"] == "voted"
    r = api(svc, "PATCH", "/me/resident", headers=headers, json={"address": "ul. Inna 2", "district": "Koszutka"})
    assert r.status_code == 409 and r.json["errors"][0]["field"] == "district"
    again = declare(svc, headers, make_pesel(1966, 6, 6, 6601), district="Koszutka")  # nor by declaring again
    assert again.status_code == 409
    same = api(svc, "PATCH", "/me/resident", headers=headers, json={"address": "ul. Inna 2", "district": "Zawodzie"})
    assert same.status_code == 200 and same.json["district"] == "Zawodzie"  # the address alone may change
    assert svc.database.scalar("SELECT district FROM residents") == "Zawodzie"


def test_a_district_the_office_confirmed_is_the_office_s_to_change(svc, official_headers):
    headers, _ = new_resident(svc)
    assert declare(svc, headers, make_pesel(1955, 2, 2, 2202), district="Murcki").status_code == 201
    account_id = api(svc, "GET", "/me/account", headers=headers).json["id"]
    assert api(svc, "POST", f"/residents/{account_id}/in-person-verification", headers=official_headers,
               json={"document": "id_card", "reason": "dowód okazany w punkcie"}).status_code == 200
    mine = api(svc, "GET", "/me/resident", headers=headers).json
    assert mine["district_locked_because"] == "confirmed_by_office"
    r = api(svc, "PATCH", "/me/resident", headers=headers, json={"address": "ul. Inna 2", "district": "Koszutka"})
    assert r.status_code == 409 and "urząd" in r.json["detail"]
    redeclared = declare(svc, headers, make_pesel(1955, 2, 2, 2202), district="Koszutka")
    assert redeclared.status_code == 201 and redeclared.json["district"] == "Murcki"


def test_an_official_s_foreigner_verification_takes_only_a_city_district(svc, official_headers):
    headers, _ = new_resident(svc)
    account_id = api(svc, "GET", "/me/account", headers=headers).json["id"]
    body = {"country": "UA", "document_type": "passport", "document_number": "FE123456", "first_name": "Olena",
            "last_name": "Testowa", "birth_date": "1990-01-01", "address": "ul. Gdańska 3", "district": "Centrum",
            "reason": "karta pobytu okazana"}
    r = api(svc, "POST", f"/residents/{account_id}/foreigner-verification", headers=official_headers, json=body)
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "district"
    assert svc.database.scalar("SELECT count(*) FROM residents") == 0


def test_asking_whether_i_voted_is_not_voting(svc, official_headers, verifier):
    """The site's question "have I voted here?" gets a one-minute pass for voting-svc's `votes/mine`: not a voter
    credential (voting-svc's vote path refuses it by its type), no eligibility check, not recorded as issued —
    so the district stays correctable."""
    import jwt

    edition = uuid.uuid4()
    assert set_rules(svc, official_headers, edition, min_age=90).status_code == 200  # nobody here is eligible
    headers, _ = new_resident(svc)
    no_resident = api(svc, "POST", f"/editions/{edition}/credential/status", headers=headers)
    assert no_resident.status_code == 404
    assert declare(svc, headers, make_pesel(1980, 10, 10, 1010), district="Bogucice").status_code == 201
    r = api(svc, "POST", f"/editions/{edition}/credential/status", headers=headers)
    assert r.status_code == 201, r.text
    claims = verifier.verify(r.json["credential"], audience="glos-voting")
    assert claims["typ"] == "voter-status" and claims["sub"] == r.json["voter_key"]
    assert claims["exp"] - claims["iat"] == 60 and "district" not in claims
    assert jwt.get_unverified_header(r.json["credential"])["alg"] == "RS256"
    assert svc.database.scalar("SELECT count(*) FROM issued_credentials") == 0
    assert api(svc, "GET", "/me/resident", headers=headers).json["district_correctable"] is True
