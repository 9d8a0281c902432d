"""The vote path end to end on the real stack: a published ballot (Katowice 2020 city-wide + Dąb, 1–3
points), voter credentials from identity-svc, ballots cast through nginx, the Kafka vote log, the tally.

One ballot per voter key, also with many identical requests at once; a retry with the same idempotency key
gets the same receipt; every bad ballot is a 422 naming the area and project, and nothing is counted."""

from __future__ import annotations

import concurrent.futures
import os
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine, text

from voting_kit import cast, part, recount, voter, voting_db
from glos_testing import PROFILE, wait_until


def test_a_ballot_is_cast_counted_once_and_retries_get_the_same_receipt(gateway, election):
    edition, city, dab = election["edition"], election["city"], election["dab"]
    credential = voter(gateway, edition)
    parts = [part(city, 2, 1), part(dab, 3)]
    first = cast(gateway, edition, credential, parts, key="klucz-idempotencji-1")
    assert first.status_code == 201, first.text
    retry = cast(gateway, edition, credential, parts, key="klucz-idempotencji-1")
    assert retry.status_code == 200 and retry.json() == first.json()
    second = cast(gateway, edition, credential, [part(city, 1)], key="inny-klucz-123")
    assert second.status_code == 409 and second.json()["type"].endswith("/already-voted")

    engine = create_engine(os.environ["VOTING_DATABASE_URL"])

    def counted():
        with engine.connect() as conn:
            return conn.execute(text("SELECT points FROM project_tallies WHERE edition_id = :e AND project_id = :p"),
                                {"e": edition, "p": city["projects"][0]["proposal_id"]}).scalar()

    assert wait_until(counted, timeout=30, message="the tally") == 2
    with engine.connect() as conn:
        votes = conn.execute(text("SELECT count(*) FROM votes WHERE edition_id = :e AND receipt = :r"),
                             {"e": edition, "r": first.json()["receipt"]}).scalar()
    engine.dispose()
    assert votes == 1
    turnout = requests.get(f"{gateway}/api/voting/editions/{edition}/turnout", timeout=10).json()
    assert {(t["area_id"], t["channel"]) for t in turnout} >= {(city["area_id"], "online"), (dab["area_id"], "online")}


def test_a_thousand_identical_ballots_at_once_make_one(gateway, election):
    """Half with the same Idempotency-Key (a client retrying), half each with its own (a double click, two
    devices): one ballot, every other answer the same receipt or a 409. Sent to voting-svc itself — the
    gateway would turn most of such a flood from one credential away (429) before it reached the race."""
    edition, city = election["edition"], election["city"]
    credential = voter(gateway, edition)
    parts = [part(city, 1, 1, 1)]
    service = f"http://127.0.0.1:{PROFILE.service_port('voting')}"
    keys = ["wyscig-jeden-klucz"] * 500 + [uuid.uuid4().hex for _ in range(500)]

    def cast_directly(key):
        return requests.post(f"{service}/editions/{edition}/votes", json={"parts": parts}, timeout=30,
                             headers={"Authorization": f"Bearer {credential}", "Idempotency-Key": key})

    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(cast_directly, keys))
    assert all(r.status_code in (200, 201, 409) for r in answers), {r.status_code for r in answers}
    assert sum(r.status_code == 201 for r in answers) == 1
    receipts = {r.json()["receipt"] for r in answers if r.status_code in (200, 201)}
    assert len(receipts) == 1
    (receipt,) = receipts
    wait_until(lambda: voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e AND voter_key = "
                                 "(SELECT voter_key FROM ballot_records WHERE receipt = :r)", e=edition,
                                 r=receipt)[0][0] == 1, timeout=30, message="the single ballot in the tally")
    assert voting_db("SELECT count(*) FROM votes WHERE receipt = :r", r=receipt)[0][0] == 1
    # through the gateway, a flood from one credential is cut short per credential
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        flood = list(pool.map(lambda _: cast(gateway, edition, credential, parts), range(60)))
    assert {r.status_code for r in flood} <= {409, 429} and any(r.status_code == 429 for r in flood)


@pytest.mark.parametrize("case", ["too_many_points", "too_many_projects", "unknown_project", "foreign_district",
                                  "duplicate_project", "zero_points", "empty"])
def test_bad_ballots_are_refused_naming_area_and_project(gateway, election, case):
    edition, city, dab, zaleze = election["edition"], election["city"], election["dab"], election["zaleze"]
    credential = voter(gateway, edition)
    p0 = city["projects"][0]["proposal_id"]
    parts = {
        "too_many_points": [part(city, 2, 2)],
        "too_many_projects": [{"area_id": city["area_id"], "choices": [
            {"project_id": p["proposal_id"], "points": 1} for p in city["projects"][:4]]}],
        "unknown_project": [{"area_id": city["area_id"], "choices": [{"project_id": str(uuid.uuid4()), "points": 1}]}],
        "foreign_district": [part(zaleze, 1)],
        "duplicate_project": [{"area_id": city["area_id"], "choices": [{"project_id": p0, "points": 1},
                                                                       {"project_id": p0, "points": 1}]}],
        "zero_points": [{"area_id": dab["area_id"], "choices": [{"project_id": dab["projects"][0]["proposal_id"],
                                                                 "points": 0}]}],
        "empty": [],
    }[case]
    r = cast(gateway, edition, credential, parts)
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    fields = [e["field"] for e in r.json()["errors"]]
    expected = {"too_many_points": "parts.0.choices", "too_many_projects": "parts.0.choices",
                "unknown_project": "parts.0.choices.0.project_id", "foreign_district": "parts.0.area_id",
                "duplicate_project": "parts.0.choices", "zero_points": "parts.0.choices.0.points",
                "empty": "parts"}[case]
    assert expected in fields
    # nothing was cast: the same credential can still vote
    assert cast(gateway, edition, credential, [part(city, 1)]).status_code == 201


def test_forged_foreign_and_missing_credentials_are_refused(gateway, election, official_headers):
    edition, city = election["edition"], election["city"]
    parts = [part(city, 1)]
    genuine = voter(gateway, edition)
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": header["kid"]})
    assert cast(gateway, edition, forged, parts).status_code == 401
    other_edition = jwt.encode({**claims, "edition_id": str(uuid.uuid4())}, forger, algorithm="RS256",
                               headers={"kid": header["kid"]})
    assert cast(gateway, edition, other_edition, parts).status_code == 401  # forged and foreign
    access_token = official_headers["Authorization"].split()[1]
    assert cast(gateway, edition, access_token, parts).status_code == 401  # an access token is not a credential
    no_key = requests.post(f"{gateway}/api/voting/editions/{edition}/votes", json={"parts": parts}, timeout=10,
                           headers={"Authorization": f"Bearer {genuine}"})
    assert no_key.status_code == 400 and no_key.json()["errors"][0]["field"] == "Idempotency-Key"
    assert cast(gateway, edition, genuine, parts).status_code == 201


def test_results_are_counted_with_the_frozen_rule_and_the_revealed_seed(gateway, election, official_headers):
    edition, city = election["edition"], election["city"]
    for points in ((3,), (2, 1), (1, 1, 1)):
        assert cast(gateway, edition, voter(gateway, edition), [part(city, *points)]).status_code == 201
    engine = create_engine(os.environ["VOTING_DATABASE_URL"])

    def tallied():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM votes v WHERE v.edition_id = :e"), {"e": edition}).scalar()

    wait_until(lambda: tallied() >= 3, timeout=30, message="the votes in the tally")
    url = f"{gateway}/api/voting/editions/{edition}/results"
    still_open = requests.post(url, json={"seed": "seed"}, headers=official_headers, timeout=30)
    assert still_open.status_code == 409 and still_open.json()["type"].endswith("/voting-open")
    closed = requests.post(f"{url[:-len('results')]}close", json={"reason": "koniec głosowania"},
                           headers=official_headers, timeout=10)
    assert closed.status_code == 201, closed.text
    late = cast(gateway, edition, voter(gateway, edition), [part(city, 1)])
    assert late.status_code == 409 and late.json()["type"].endswith("/voting-closed")
    wrong = requests.post(url, json={"seed": "inne ziarno"}, headers=official_headers, timeout=30)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "seed"
    published = requests.post(url, json={"seed": "seed"}, headers=official_headers, timeout=30)
    assert published.status_code == 201, published.text
    document = published.json()["document"]
    city_result = next(a for a in document["areas"] if a["area_id"] == city["area_id"])
    with engine.connect() as conn:
        tallies = dict(conn.execute(text("SELECT project_id::text, points FROM project_tallies "
                                         "WHERE edition_id = :e AND area_id = :a"),
                                    {"e": edition, "a": city["area_id"]}).all())
        voters = conn.execute(text("SELECT voters FROM area_turnout WHERE edition_id = :e AND area_id = :a "
                                   "AND channel = 'online'"), {"e": edition, "a": city["area_id"]}).scalar()
    engine.dispose()
    assert {p: v["score"] for p, v in city_result["projects"].items() if v["score"]} == tallies
    assert city_result["voters"] == voters and city_result["rule"] == "greedy-threshold"
    # a handful of test votes is far below Katowice's 200-point threshold: nobody wins, each says why
    assert city_result["selected"] == []
    assert {v.get("reason") for v in city_result["projects"].values()} == {"below_threshold"}
    assert requests.post(url, json={"seed": "seed"}, headers=official_headers, timeout=30).status_code == 409
    assert requests.get(url, timeout=10).json()["sha256"] == published.json()["sha256"]
    csv_text = requests.get(f"{url[:-len('results')]}results.csv", timeout=10).text
    assert csv_text.startswith("area;project_id;cost;score;supporters;selected;reason;explanation")


def test_recount_by_replaying_the_vote_log_equals_the_database(gateway, election):
    edition = election["edition"]
    wait_until(lambda: voting_db("SELECT count(*) FROM votes WHERE edition_id = :e", e=edition)[0][0] > 0,
               timeout=30, message="votes in the tally")
    assert "0 project(s) differ" in recount(election["edition"])
