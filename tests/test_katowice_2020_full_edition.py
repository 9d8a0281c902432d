"""The whole Katowice 2020 edition, end to end on the real stack.

Its 23 Pabulib files (city-wide + 22 districts) are imported through proposals-svc's API, the rules are
frozen (1–3 points over at most 3 projects; 200 points to win city-wide, 50 in a district; greedy with
skipping), and every one of the 44,075 real ballots is cast through nginx and the vote API with its own
credential (by wrk: loadtests/bulk_cast.py) (a voter's city-wide and district parts share the Pabulib voter id, so they are one ballot).
After the close the published winners equal the official `selected` projects in all 23 areas, the turnout
equals each file's voter count, the vote log replays to the same tally, and the anonymised export
recomputes to the same bytes.

Credentials come from identity-svc's `seed-voters` (the same issuing code as the API; a login per person
with argon2 would take an hour here); everything after that is the production path.
"""

from __future__ import annotations

import hashlib
import sys
import time
import uuid
from pathlib import Path

import requests

from glos_testing import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voting-svc" / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadtests import bulk_cast  # noqa: E402
from voting_kit import frozen_edition, recount, seed_voters  # noqa: E402
from voting_svc.counting import pabulib  # noqa: E402
from voting_svc.counting.edition import canonical_json, recompute  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "pabulib" / "katowice-2020"
SEED = "katowice-2020-losowanie"
CITY = "Katowice — ogólnomiejski"
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "min_score_by_kind": {"district": 50},
                  "tie_break": ["draw"], "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()},
    "eligibility": {"voting_day": "2020-09-20", "residency": "either"},
}


def read_files():
    files = {}
    for path in sorted(DATA.glob("*.pb")):
        pb = pabulib.read(path.read_text(encoding="utf-8-sig"))
        files[pb.meta.get("district", CITY)] = (path, pb)
    return files


def test_every_katowice_2020_ballot_cast_through_the_gateway_elects_the_official_winners(
        gateway, official_headers, tmp_path):
    began = time.monotonic()
    files = read_files()
    assert len(files) == 23
    edition, areas = frozen_edition(gateway, official_headers, [path for path, _ in files.values()], RULES,
                                    name=f"Budżet Obywatelski Katowice 2020 (pełna edycja {uuid.uuid4().hex[:4]})",
                                    year=2020)
    assert set(areas) == set(files)

    # every voter's ballot: parts per area, the Pabulib project ids mapped to the published proposal ids
    voters: dict[str, dict] = {}
    for name, (_, pb) in files.items():
        area = areas[name]
        ids = {p["external_id"]: p["proposal_id"] for p in area["projects"]}
        for row in pb.votes:
            voter = voters.setdefault(row["voter_id"], {"district": None, "parts": []})
            if area["kind"] == "district":
                voter["district"] = name
            voter["parts"].append({"area_id": area["area_id"], "choices": [
                {"project_id": ids[p], "points": int(n)} for p, n in zip(row["vote"].split(","),
                                                                         row["points"].split(","))]})
    assert len(voters) == 44075
    order = sorted(voters)
    credentials = seed_voters(edition, [voters[v]["district"] or "Dąb" for v in order], tmp_path)
    print(f"\nthe edition frozen and {len(order)} credentials issued in {time.monotonic() - began:.0f} s")

    # wrk sends each ballot once (a Python client's threads would take a core from the vote path); whatever got
    # no 201 is re-sent with its own Idempotency-Key — the statuses are every ballot's final answer
    started = time.monotonic()
    statuses = bulk_cast.cast(gateway, edition, [
        (f"kato-{i:06d}", credentials[i], {"parts": voters[voter]["parts"]}) for i, voter in enumerate(order)])
    elapsed = time.monotonic() - started
    print(f"\n{len(order)} ballots through nginx in {elapsed:.0f} s ({len(order) / elapsed:.0f}/s)")
    assert statuses == {201: len(order)}, statuses

    base = f"{gateway}/api/voting/editions/{edition}"
    assert requests.post(f"{base}/close", json={"reason": "koniec głosowania 20.09.2020"}, headers=official_headers,
                         timeout=10).status_code == 201

    def publish():
        r = requests.post(f"{base}/results", json={"seed": SEED}, headers=official_headers, timeout=120)
        assert r.status_code in (201, 409), r.text
        return r.status_code == 201 and r.json()
    results = wait_until(publish, timeout=600, interval=5, message="the tally to catch up and the results")
    print(f"results published {time.monotonic() - began:.0f} s after the start")

    by_area = {a["name"]: a for a in results["document"]["areas"]}
    turnout = {}
    for row in requests.get(f"{base}/turnout", timeout=10).json():
        turnout[row["area_id"]] = turnout.get(row["area_id"], 0) + row["voters"]
    for name, (path, pb) in files.items():
        area = areas[name]
        official = pabulib.official_winners(path)
        external = {p["proposal_id"]: p["external_id"] for p in area["projects"]}
        assert {external[p] for p in by_area[name]["selected"]} == official, name
        assert by_area[name]["voters"] == int(pb.meta["num_votes"]) == turnout[area["area_id"]], name
    assert results["receipts_count"] == len(order)

    assert "0 project(s) differ" in recount(edition)
    export = requests.get(f"{base}/ballots.zip", timeout=120)
    assert export.status_code == 200
    recomputed = canonical_json(recompute(export.content, SEED))
    assert recomputed == canonical_json(results["document"])
    assert hashlib.sha256(recomputed).hexdigest() == results["sha256"]
