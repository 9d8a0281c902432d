"""The vote path end to end on the real stack: a published ballot (Katowice 2020 city-wide + Dąb, 1–3
points), voter credentials from identity-svc, ballots cast through nginx, the Kafka vote log, the tally.

One ballot per voter key, also with many identical requests at once; a retry with the same idempotency key
gets the same receipt; every bad ballot is a 422 naming the area and project, and nothing is counted."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine, text

from glos_testing import login, make_pesel, seed_account, wait_until

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib" / "katowice-2020"
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "tie_break": ["draw"],
                  "draw_seed_sha256": hashlib.sha256(b"seed").hexdigest()},
    "eligibility": {"voting_day": "2027-09-20", "residency": "either"},
}


@pytest.fixture(scope="module")
def election(gateway, official_headers):
    edition = requests.post(f"{gateway}/api/proposals/editions", headers=official_headers, timeout=10, json={
        "name": f"BO głosowanie {uuid.uuid4().hex[:6]}", "city": "Katowice", "year": 2027}).json()["id"]
    for path in (DATA / "Poland_Katowice_2020.pb", DATA / "Poland_Katowice_2020_Dab.pb",
                 DATA / "Poland_Katowice_2020_Zaleze.pb"):
        assert requests.post(f"{gateway}/api/proposals/editions/{edition}/areas/pabulib", data=path.read_bytes(),
                             params={"source": path.name}, timeout=30,
                             headers={**official_headers, "Content-Type": "text/plain"}).status_code == 201
    assert requests.put(f"{gateway}/api/proposals/editions/{edition}/voting-rules", headers=official_headers,
                        json={"rules": RULES, "reason": "test"}, timeout=10).status_code == 200
    assert requests.post(f"{gateway}/api/proposals/editions/{edition}/ballot", headers=official_headers,
                         json={"reason": "start"}, timeout=10).status_code == 201
    assert requests.put(f"{gateway}/api/identity/editions/{edition}/eligibility", headers=official_headers,
                        json={"voting_day": "2027-09-20", "residency": "either", "reason": "test"},
                        timeout=10).status_code == 200
    ballot = wait_until(lambda: (r := requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10))
                        .status_code == 200 and r.json(), timeout=30, message="the ballot in voting-svc")
    areas = {a["name"]: a for a in ballot["areas"]}
    return {"edition": edition, "city": areas["Katowice — ogólnomiejski"], "dab": areas["Dąb"],
            "zaleze": areas["Załęże"]}


def voter(gateway, edition, district="Dąb") -> str:
    email = f"wyborca-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, "haslo-wyborcy-123456")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-wyborcy-123456')}"}
    assert requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": make_pesel(1980, 1 + uuid.uuid4().int % 12, 1 + uuid.uuid4().int % 28, uuid.uuid4().int % 10000),
        "first_name": "W", "last_name": "W", "address": "ul. Testowa 1", "district": district}).status_code == 201
    r = requests.post(f"{gateway}/api/identity/editions/{edition}/credential", json={}, headers=headers, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["credential"]


def cast(gateway, edition, credential, parts, key=None):
    return requests.post(f"{gateway}/api/voting/editions/{edition}/votes", json={"parts": parts}, timeout=20,
                         headers={"Authorization": f"Bearer {credential}",
                                  "Idempotency-Key": key or uuid.uuid4().hex})


def part(area, *points):
    return {"area_id": area["area_id"], "choices": [{"project_id": p["proposal_id"], "points": n}
                                                    for p, n in zip(area["projects"], points)]}


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


def test_many_identical_requests_at_once_make_one_ballot(gateway, election):
    edition, city = election["edition"], election["city"]
    credential = voter(gateway, edition)
    parts = [part(city, 1, 1, 1)]
    with concurrent.futures.ThreadPoolExecutor(25) as pool:
        same_key = list(pool.map(lambda _: cast(gateway, edition, credential, parts, key="wyscig-jeden-klucz"),
                                 range(50)))
        other_keys = list(pool.map(lambda _: cast(gateway, edition, credential, parts), range(50)))
    answers = same_key + other_keys
    assert all(r.status_code in (200, 201, 409) for r in answers), {r.status_code for r in answers}
    assert sum(r.status_code == 201 for r in answers) == 1
    receipts = {r.json()["receipt"] for r in answers if r.status_code in (200, 201)}
    assert len(receipts) == 1
    (receipt,) = receipts
    engine = create_engine(os.environ["VOTING_DATABASE_URL"])

    def tallied():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM votes WHERE receipt = :r"), {"r": receipt}).scalar()

    assert wait_until(tallied, timeout=30, message="the single ballot in the tally") == 1
    engine.dispose()


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
        "zero_points": [part(dab, 0)],
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
    wrong = requests.post(url, json={"seed": "inne ziarno"}, headers=official_headers, timeout=30)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "seed"
    published = requests.post(url, json={"seed": "seed"}, headers=official_headers, timeout=30)
    assert published.status_code == 201, published.text
    document = published.json()["document"]
    city_result = next(a for a in document["areas"] if a["area_id"] == city["area_id"])
    with engine.connect() as conn:
        tallies = dict(conn.execute(text("SELECT project_id::text, points FROM project_tallies "
                                         "WHERE edition_id = :e AND area_id = :a"),
                                    {"e": edition, "a": city["area_id"]}).tuples().all())
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
    assert csv_text.startswith("area;project_id;cost;score;selected;reason")


def test_recount_by_replaying_the_vote_log_equals_the_database(gateway, election):
    import subprocess

    import stack

    edition = election["edition"]
    engine = create_engine(os.environ["VOTING_DATABASE_URL"])

    def caught_up():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM votes WHERE edition_id = :e"), {"e": edition}).scalar()

    wait_until(lambda: caught_up() > 0, timeout=30, message="votes in the tally")
    engine.dispose()
    run = subprocess.run([str(stack.VENV_BIN / "voting-svc"), "recount", edition], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("identical")
    assert "0 project(s) differ" in run.stdout
