"""End to end on the real stack: nginx → proposals-svc → PostgreSQL → outbox → Kafka → voting-svc worker → its
database, and back out through nginx → voting-svc."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from glos_testing import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proposals-svc" / "tests"))
from edition_kit import full_content, verified_resident  # noqa: E402


def test_an_edition_and_a_proposal_reach_voting_svc_through_kafka(gateway, official_headers):
    name = f"BO Szkielet {uuid.uuid4().hex[:8]}"
    created = requests.post(f"{gateway}/api/proposals/editions", headers=official_headers,
                            json={"name": name, "city": "Katowice", "year": 2027}, timeout=10)
    assert created.status_code == 201, created.text
    edition_id = created.json()["id"]
    area = requests.post(f"{gateway}/api/proposals/editions/{edition_id}/areas", headers=official_headers, timeout=10,
                         json={"name": "Koszutka", "kind": "district", "budget": 500_000}).json()
    assert requests.post(f"{gateway}/api/proposals/editions/{edition_id}/phase", headers=official_headers, timeout=10,
                         json={"phase": "submission", "reason": "nabór wniosków"}).status_code == 200
    resident = verified_resident(gateway, "Koszutka")
    draft = requests.post(f"{gateway}/api/proposals/editions/{edition_id}/proposals", headers=resident.headers,
                          json={**full_content(area["id"], title="Ławki na Koszutce", lat=50.27, lon=19.03),
                                "category": None, "cost_items": [{"name": "Dziesięć ławek", "amount": 120000}]},
                          timeout=10)
    assert draft.status_code == 201, draft.text
    proposal_id = draft.json()["id"]
    proposal = requests.post(f"{gateway}/api/proposals/proposals/{proposal_id}/submission", headers=resident.headers,
                             timeout=10)
    assert proposal.status_code == 200, proposal.text

    def projected():
        r = requests.get(f"{gateway}/api/voting/editions/{edition_id}", timeout=5)
        return r.json() if r.status_code == 200 and r.json()["projects"] else None

    view = wait_until(projected, timeout=30, message="voting-svc's projection of the new edition")
    assert view["name"] == name
    assert view["city"] == "Katowice" and view["year"] == 2027
    assert view["projects"] == [{"proposal_id": proposal_id, "title": "Ławki na Koszutce", "cost": 120000}]

    # The producer's outbox rows are marked sent; the consumer recorded each event id once.
    with create_engine(os.environ["PROPOSALS_DATABASE_URL"]).connect() as conn:
        rows = conn.execute(text("SELECT event_type, sent_at IS NOT NULL FROM outbox WHERE key = :k ORDER BY id"),
                            {"k": edition_id}).all()
    assert [tuple(r) for r in rows] == [("edition.created", True), ("area.created", True),
                                        ("edition.phase_changed", True), ("proposal.drafted", True),
                                        ("proposal.submitted", True)]
    with create_engine(os.environ["VOTING_DATABASE_URL"]).connect() as conn:
        processed = conn.execute(text(
            "SELECT count(*) FROM processed_events p JOIN edition_views e ON true "
            "WHERE e.edition_id = :e AND p.consumer_group = 'voting-svc.projections'"), {"e": edition_id}).scalar()
        assert processed >= 2


def test_request_id_travels_from_gateway_to_service_and_back(gateway):
    rid = "test-" + uuid.uuid4().hex
    r = requests.get(f"{gateway}/api/proposals/editions/{uuid.uuid4()}", headers={"X-Request-Id": rid}, timeout=5)
    assert r.status_code == 404
    assert r.headers["X-Request-Id"] == rid
    assert r.json()["request_id"] == rid  # the service saw the same id
    assert r.headers["Content-Type"].startswith("application/problem+json")
