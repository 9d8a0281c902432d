"""An outage of the vote path, end to end (issue 26, point 4): the test stack's broker is killed during an edition's
voting — a ballot then gets an honest 503 to retry, never a receipt — voting-svc's own checks record the outage in
the ledger and close it when the broker is back, the coordinator reads it in `GET /editions/{id}/outages` and
extends voting by its length with a reason, which the edition's schedule then carries. Run alone (conftest.EXCLUSIVE):
it stops the broker every other test uses."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

import stack
from glos_testing import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voting-svc" / "tests"))
from voting_kit import DATA, RULES, cast, frozen_edition, part, voter  # noqa: E402


def test_an_outage_is_recorded_shown_and_voting_extended_by_it(platform, gateway, official_headers):
    edition, areas = frozen_edition(gateway, official_headers, [DATA / "Poland_Katowice_2020_Dab.pb"], RULES,
                                    name=f"BO awaria {uuid.uuid4().hex[:6]}", year=2027)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ends = now + timedelta(hours=3)
    proposals = f"{gateway}/api/proposals/editions/{edition}"
    assert requests.put(f"{proposals}/schedule", headers=official_headers, timeout=10, json={
        "reason": "harmonogram głosowania", "phases": [
            {"phase": "voting", "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": ends.isoformat()}]},
    ).status_code == 200
    wait_until(lambda: requests.get(f"{proposals}/schedule", timeout=10).json()["current_phase"] == "voting",
               timeout=30, message="the scheduler to open voting")
    dab = next(iter(areas.values()))
    credential, key = voter(gateway, edition), uuid.uuid4().hex  # a client re-sends with the same key
    outages = f"{gateway}/api/voting/editions/{edition}/outages"

    assert stack.stop_kafka_node(platform, 1, kill=True)
    try:
        refused = cast(gateway, edition, credential, [part(dab, 1)], key=key)
        assert refused.status_code == 503 and refused.headers.get("Retry-After"), refused.text  # no receipt
        ongoing = wait_until(lambda: [o for o in requests.get(outages, headers=official_headers, timeout=10)
                                      .json()["outages"] if o["ongoing"]], timeout=45, interval=1,
                             message="voting-svc's checks to see the vote log away")
        assert ongoing[0]["cause"].startswith("vote log: ")
    finally:
        stack.start_kafka_node(platform, 1)
        stack.wait_for_kafka(platform, 1)
    ledger = wait_until(lambda: (answer := requests.get(outages, headers=official_headers, timeout=10).json())
                        ["outages"] and not any(o["ongoing"] for o in answer["outages"]) and answer,
                        timeout=90, interval=1, message="the outage to close once the broker is back")
    assert ledger["total_seconds"] > 0
    # the voter's retry, now the vote log answers: their ballot is taken
    wait_until(lambda: cast(gateway, edition, credential, [part(dab, 1)], key=key).status_code in (200, 201),
               timeout=60, interval=1, message="the ballot to be accepted again")

    minutes = -(-ledger["total_seconds"] // 60)
    extended = requests.post(f"{proposals}/voting-extensions", headers=official_headers, timeout=10, json={
        "ends_at": (ends + timedelta(minutes=minutes)).isoformat(), "outage_seconds": ledger["total_seconds"],
        "reason": f"Przerwa w działaniu systemu głosowania ({minutes} min)"})
    assert extended.status_code == 201, extended.text
    schedule = requests.get(f"{proposals}/schedule", timeout=10).json()
    voting = next(p for p in schedule["phases"] if p["phase"] == "voting")
    assert datetime.fromisoformat(voting["ends_at"]) == ends + timedelta(minutes=minutes)
    assert schedule["voting_extensions"][0]["outage_seconds"] == ledger["total_seconds"]
