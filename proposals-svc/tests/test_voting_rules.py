"""The published ballot crosses from proposals-svc to voting-svc over Kafka and is kept there under the hash
anyone can recompute. (Setting, validating and freezing the rules: proposals-svc's service tests; refusing rules
that do not match their hash: voting-svc's.)"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import requests

from glos_testing import wait_until

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib" / "katowice-2020"
SEED_HASH = hashlib.sha256(b"ziarno losowania 2020").hexdigest()
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "tie_break": ["fewer_cost", "draw"],
                  "draw_seed_sha256": SEED_HASH},
    "eligibility": {"voting_day": "2020-09-20", "min_age": None, "guardian_consent_under": 18,
                    "residency": "either"},
}


def edition_with_two_areas(gateway, official_headers) -> str:
    edition = requests.post(f"{gateway}/api/proposals/editions", headers=official_headers, timeout=10, json={
        "name": f"BO zasady {uuid.uuid4().hex[:6]}", "city": "Katowice", "year": 2020}).json()["id"]
    for path in (DATA / "Poland_Katowice_2020.pb", DATA / "Poland_Katowice_2020_Dab.pb"):
        r = requests.post(f"{gateway}/api/proposals/editions/{edition}/areas/pabulib", data=path.read_bytes(),
                          params={"source": path.name}, timeout=30,
                          headers={**official_headers, "Content-Type": "text/plain"})
        assert r.status_code == 201, r.text
    return edition


def put_rules(gateway, headers, edition, rules, reason="uchwała Rady Miasta"):
    return requests.put(f"{gateway}/api/proposals/editions/{edition}/voting-rules", headers=headers, timeout=10,
                        json={"rules": rules, "reason": reason})


def test_voting_svc_gets_the_published_ballot_under_the_same_hash(gateway, official_headers):
    """Freezing and refusing later changes are proposals-svc's own (tests/service/test_voting_rules.py); here the
    ballot crosses to voting-svc over Kafka and is kept there under the hash anyone can recompute."""
    edition = edition_with_two_areas(gateway, official_headers)
    assert put_rules(gateway, official_headers, edition, RULES).status_code == 200
    published = requests.post(f"{gateway}/api/proposals/editions/{edition}/ballot",
                              json={"reason": "start głosowania"}, headers=official_headers, timeout=10)
    assert published.status_code == 201, published.text
    state = published.json()
    recomputed = hashlib.sha256(json.dumps(state["voting_rules"], sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode()).hexdigest()
    ballot = wait_until(lambda: (r := requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10))
                        .status_code == 200 and r.json(), timeout=30, message="voting-svc's copy of the ballot")
    assert ballot["rules_sha256"] == recomputed and ballot["rules"] == state["voting_rules"]
    assert len(ballot["areas"]) == 2 and all(a["projects"] for a in ballot["areas"])
    city = next(a for a in ballot["areas"] if a["kind"] == "city")
    assert city["budget"] == 2999999 and {"proposal_id", "external_id", "title", "cost"} <= set(city["projects"][0])
