"""identity-svc takes an edition's eligibility rules from proposals-svc's `ballot.published` — the same event
voting-svc takes the ballot from — so nobody hands them over, and they are frozen from then on."""

from __future__ import annotations

import uuid

import pytest

from glos_chassis.canonical import sha256_hex
from glos_chassis.testing import HandlerFailed, deliver, envelope
from glos_testing import make_pesel
from identity_service_kit import api, login, seed_account
from identity_svc import handlers
from identity_svc.models import processed_events

RULES = {
    "city": {"type": "approval", "min_projects": 1, "max_projects": 3},
    "district": {"type": "approval", "min_projects": 1, "max_projects": 3},
    "selection": {"rule": "greedy", "tie_break": ["draw"], "draw_seed_sha256": "ab" * 32},
    "eligibility": {"voting_day": "2027-05-31", "min_age": 16, "guardian_consent_under": None,
                    "residency": "either"},
}


def publish(svc, edition: str, rules: dict, digest: str | None = None):
    event = envelope("ballot.published", edition, {
        "edition_id": edition, "rules": rules, "rules_sha256": digest or sha256_hex(rules),
        "frozen_at": "2027-05-01T00:00:00+00:00", "areas": []}, source="proposals-svc")
    deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS, event)
    return event


def test_the_published_ballot_s_rules_decide_who_gets_a_credential(svc, official_headers):
    edition = str(uuid.uuid4())
    assert api(svc, "GET", f"/editions/{edition}/eligibility").status_code == 404
    publish(svc, edition, RULES)
    rules = api(svc, "GET", f"/editions/{edition}/eligibility").json
    assert rules == {"voting_day": "2027-05-31", "min_age": 16, "guardian_consent_under": None,
                     "residency": "either", "rules_sha256": sha256_hex(RULES)}
    (row,) = svc.database.rows("SELECT actor, reason FROM audit_log WHERE action = 'edition.eligibility_set' "
                               "AND target = :t", t=edition)
    assert row.actor == "proposals-svc:ballot.published" and sha256_hex(RULES)[:12] in row.reason

    seed_account(svc, "nastolatka@glos.local", "haslo-nastolatki-123")
    headers = {"Authorization": f"Bearer {login(svc, 'nastolatka@glos.local', 'haslo-nastolatki-123')}"}
    assert api(svc, "POST", "/me/resident", headers, json={
        "pesel": make_pesel(2012, 1, 5, 4417), "first_name": "Ala", "last_name": "Testowa",
        "address": "ul. Dębowa 5, Katowice", "district": "Dąb"}).status_code == 201
    refused = api(svc, "POST", f"/editions/{edition}/credential", headers, json={})
    assert refused.status_code == 403 and refused.json["errors"][0]["field"] == "min_age"  # 15 on the voting day

    # frozen: the office cannot change them by hand any more
    changed = api(svc, "PUT", f"/editions/{edition}/eligibility", official_headers,
                  json={"voting_day": "2027-05-31", "min_age": 13, "residency": "either", "reason": "zmiana"})
    assert changed.status_code == 409 and changed.json["type"].endswith("/rules-frozen")


def test_a_redelivered_publication_changes_nothing_and_tampered_rules_are_refused(svc):
    edition = str(uuid.uuid4())
    event = publish(svc, edition, RULES)
    deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS, event)  # a redelivery
    assert svc.database.scalar("SELECT count(*) FROM audit_log WHERE target = :t", t=edition) == 1

    other = str(uuid.uuid4())
    loosened = {**RULES, "eligibility": {**RULES["eligibility"], "min_age": 0}}
    with pytest.raises(HandlerFailed, match="TamperedRules"):
        publish(svc, other, loosened, digest=sha256_hex(RULES))  # the digest of other rules
    assert api(svc, "GET", f"/editions/{other}/eligibility").status_code == 404


def test_rules_set_by_hand_before_the_ballot_give_way_to_the_published_ones(svc, official_headers):
    edition = str(uuid.uuid4())
    assert api(svc, "PUT", f"/editions/{edition}/eligibility", official_headers, json={
        "voting_day": "2027-05-30", "residency": "census", "reason": "wstępnie"}).status_code == 200
    publish(svc, edition, RULES)
    rules = api(svc, "GET", f"/editions/{edition}/eligibility").json
    assert (rules["voting_day"], rules["residency"], rules["min_age"]) == ("2027-05-31", "either", 16)
