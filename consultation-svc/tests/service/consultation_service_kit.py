"""Helpers for consultation-svc's service tests: residents whose verification reached this service (a real
`resident.verified` envelope handed to its handler), staff by their token's roles, a consultation, and calls
through the app's own test client."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from consultation_svc import handlers
from consultation_svc.models import processed_events
from glos_chassis.testing import Caller, ServiceUnderTest, deliver, envelope


def api(svc: ServiceUnderTest, method: str, path: str, headers: dict | None = None, *, params=None, **kwargs):
    return svc.client.open(path, method=method, headers=headers or {}, query_string=params, **kwargs)


def resident(svc: ServiceUnderTest, district: str = "Dąb", age_band: str = "30-44") -> Caller:
    """A resident of `district` whose verification consultation-svc has heard of."""
    person = svc.caller("resident")
    deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS,
            envelope("resident.verified", person.account_id, {
                "account_id": person.account_id, "level": "declared", "district": district, "age_band": age_band},
                source="identity-svc"))
    return person


def new_consultation(svc: ServiceUnderTest, coordinator: dict, **overrides) -> dict:
    body = {"subject": f"Rewitalizacja placu na Dębie {uuid.uuid4().hex[:6]}",
            "description": "Jak ma wyglądać plac po przebudowie?", "scope_districts": ["Dąb"],
            "forms": ["survey", "comments", "meetings"], "participation": "residents_in_scope", "department": "WUA",
            "moderation": "post", "flag_threshold": 2,
            "closes_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(), **overrides}
    r = api(svc, "POST", "/consultations", coordinator, json=body)
    assert r.status_code == 201, r.text
    return r.json
