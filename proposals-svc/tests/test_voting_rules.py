"""Voting rules: set by the office, frozen when the ballot is published (SHA-256 of the canonical JSON in
`ballot.published`), refused afterwards; voting-svc keeps the ballot only if the rules match their hash."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import requests
from kafka import KafkaConsumer, TopicPartition

from glos_chassis.events import new_event
from glos_chassis.kafka_io import encode_envelope, make_producer
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


def test_a_ballot_whose_rules_do_not_match_their_hash_is_dead_lettered(gateway, platform):
    edition = str(uuid.uuid4())
    event = new_event("ballot.published", edition, source="tests", data={
        "edition_id": edition, "rules": RULES, "rules_sha256": "0" * 64, "frozen_at": "2020-09-07T00:00:00+00:00",
        "areas": []})
    producer = make_producer(os.environ["KAFKA_BOOTSTRAP_SERVERS"], client_id="tamper-test")
    producer.send("proposals.events", key=edition.encode(), value=encode_envelope(event)).get(timeout=30)
    producer.close(timeout=5)

    def dead_lettered():
        reader = KafkaConsumer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"].split(","),
                               enable_auto_commit=False, consumer_timeout_ms=2000)
        tp = TopicPartition("voting-svc.projections.dlt", 0)
        reader.assign([tp])
        reader.seek_to_beginning(tp)
        found = [dict((k, v.decode()) for k, v in m.headers) for m in reader if m.key == edition.encode()]
        reader.close()
        return found

    (headers,) = wait_until(dead_lettered, timeout=60, interval=1, message="the tampered ballot in the DLT")
    assert headers["dlt.error"].startswith("TamperedRules")
    assert requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10).status_code == 404
