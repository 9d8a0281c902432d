"""After the vote: voting-svc's `results.published` opens an implementation record in proposals-svc for every
winner; the department reports dated progress, residents read it, the applicant is told of each change."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "voting-svc" / "tests"))
sys.path.insert(0, str(ROOT / "proposals-svc" / "tests"))
from edition_kit import api, department, proposals_db, reviewer  # noqa: E402
from glos_testing import wait_until  # noqa: E402
from voting_kit import SEED, cast, new_election, part, voter  # noqa: E402


def test_winners_get_implementation_records_that_departments_keep_up_to_date(gateway, official_headers):
    selection = {"rule": "greedy", "min_score": None, "tie_break": ["fewer_cost", "draw"],
                 "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()}
    election = new_election(gateway, official_headers, selection=selection)
    edition, city, dab = election["edition"], election["city"], election["dab"]
    for points in ((3,), (2, 1), (0, 0, 3)):
        assert cast(gateway, edition, voter(gateway, edition), [part(city, *points), part(dab, 1)]).status_code == 201
    base = f"{gateway}/api/voting/editions/{edition}"
    assert requests.post(f"{base}/close", json={"reason": "koniec"}, headers=official_headers, timeout=10).status_code == 201
    results = requests.post(f"{base}/results", json={"seed": SEED}, headers=official_headers, timeout=60).json()
    winners = {p for area in results["document"]["areas"] for p in area["selected"]}
    assert winners

    records = wait_until(lambda: (r := api(gateway, "GET", "/implementations", params={"edition_id": edition}).json())
                         and len(r) == len(winners) and r, timeout=60, message="implementation records for the winners")
    assert {r["proposal_id"] for r in records} == winners
    assert all(r["status"] == "planned" and r["progress"] == 0 and r["title"] for r in records)
    assert {p["status"] for p in api(gateway, "GET", f"/editions/{edition}/proposals").json()
            if p["id"] in winners} == {"selected"}

    record = records[0]
    code = department(gateway, official_headers, "ZZM")
    ours, other = reviewer(gateway, official_headers, code), reviewer(gateway, official_headers,
                                                                      department(gateway, official_headers, "MOPS"))
    assert api(gateway, "POST", f"/implementations/{record['id']}/assignment", ours,
               json={"department": code}).status_code == 403  # the office assigns
    assert api(gateway, "POST", f"/implementations/{record['id']}/assignment", official_headers,
               json={"department": code, "reason": "zieleń miejska"}).status_code == 200
    url = f"/implementations/{record['id']}/updates"
    assert api(gateway, "POST", url, other, json={"status": "in_preparation", "progress": 5}).status_code == 403
    assert api(gateway, "POST", url, ours, json={"status": "in_preparation", "progress": 10,
                                                 "note": "Projekt techniczny zlecony."}).status_code == 201
    assert api(gateway, "POST", url, ours, json={"status": "in_progress", "progress": 60,
                                                 "note": "Trwają prace."}).status_code == 201
    bad = api(gateway, "POST", url, ours, json={"status": "in_preparation", "progress": 40})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"status", "progress"}
    out_of_range = api(gateway, "POST", url, ours, json={"status": "in_progress", "progress": 150})
    assert out_of_range.status_code == 422 and out_of_range.json()["errors"][0]["field"] == "progress"
    unfinished = api(gateway, "POST", url, ours, json={"status": "completed", "progress": 90})
    assert unfinished.status_code == 422 and unfinished.json()["errors"][0]["field"] == "progress"
    assert api(gateway, "POST", url, ours, json={"status": "completed", "progress": 100,
                                                 "note": "Odbiór końcowy."}).status_code == 201
    assert api(gateway, "POST", url, ours, json={"status": "cancelled", "progress": 100,
                                                 "note": "Za późno."}).status_code == 409  # closed

    public = api(gateway, "GET", f"/implementations/{record['id']}").json()  # anyone may read it
    assert public["status"] == "completed" and public["progress"] == 100 and public["department_code"] == code
    assert [(u["status"], u["progress"]) for u in public["updates"]] == [("in_preparation", 10), ("in_progress", 60),
                                                                         ("completed", 100)]
    if len(records) > 1:
        cancel = f"/implementations/{records[1]['id']}/updates"
        no_reason = api(gateway, "POST", cancel, official_headers, json={"status": "cancelled", "progress": 0})
        assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "note"

    # The applicant is told of every change: one implementation.updated event each, with who applied.
    notified = [row[0]["data"] for row in proposals_db(
        "SELECT payload FROM outbox WHERE key = :k AND event_type = 'implementation.updated' ORDER BY id", k=edition)
        if row[0]["data"]["implementation_id"] == record["id"]]
    assert [(n["implementation_status"], n["progress"]) for n in notified] == [
        ("planned", 0), ("in_preparation", 10), ("in_progress", 60), ("completed", 100)]
    assert {n["applicant"] for n in notified} == {"import:pabulib"}  # these winners came from a Pabulib file
    audit = proposals_db("SELECT action, actor FROM audit_log WHERE target = :t ORDER BY id", t=record["id"])
    assert [a for a, _ in audit] == ["implementation.assigned"] + ["implementation.updated"] * 3
