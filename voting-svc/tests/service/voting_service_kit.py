"""Helpers for voting-svc's service tests: proposals-svc's events (an edition, its projects, the published ballot)
handed to voting-svc's handlers as real envelopes, and calls through the app's own test client."""

from __future__ import annotations

import uuid

from glos_chassis.canonical import sha256_hex
from glos_chassis.testing import ServiceUnderTest, deliver, envelope
from voting_svc import handlers
from voting_svc.models import processed_events

RULES = {
    "city": {"type": "approval", "min_projects": 1, "max_projects": 2},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy", "tie_break": ["draw"], "draw_seed_sha256": "ab" * 32},
    "eligibility": {"voting_day": "2027-05-31", "residency": "either"},
}


def api(svc: ServiceUnderTest, method: str, path: str, headers: dict | None = None, *, params=None, **kwargs):
    return svc.client.open(path, method=method, headers=headers or {}, query_string=params, **kwargs)


def from_proposals_svc(svc: ServiceUnderTest, type_: str, subject: str, data: dict) -> None:
    deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS,
            envelope(type_, subject, data, source="proposals-svc"))


def publish_ballot(svc: ServiceUnderTest, rules: dict = RULES, *, digest: str | None = None,
                   frozen_at: str = "2027-05-01T00:00:00+00:00") -> tuple[str, dict]:
    edition = str(uuid.uuid4())

    def projects(prefix: str, costs: tuple[int, ...]) -> list[dict]:
        return [{"proposal_id": str(uuid.uuid4()), "external_id": f"{prefix}{n}", "title": f"Projekt {prefix}{n}",
                 "cost": cost} for n, cost in enumerate(costs, 1)]

    data = {"edition_id": edition, "rules": rules, "rules_sha256": digest or sha256_hex(rules),
            "frozen_at": frozen_at, "areas": [
                {"area_id": str(uuid.uuid4()), "name": "Ogólnomiejski", "kind": "city", "budget": 1_000_000,
                 "projects": projects("M", (400_000, 500_000, 300_000))},
                {"area_id": str(uuid.uuid4()), "name": "Dąb", "kind": "district", "budget": 100_000,
                 "projects": projects("D", (60_000, 50_000))}]}
    from_proposals_svc(svc, "ballot.published", edition, data)
    return edition, data
