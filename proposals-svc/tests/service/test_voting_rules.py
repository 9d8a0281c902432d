"""Voting rules: set by the office, validated by field, frozen when the ballot is published (SHA-256 of the
canonical JSON, announced in `ballot.published`) and refused afterwards."""

from __future__ import annotations

import copy
import hashlib
import json

from glos_chassis.testing import outbox_events
from proposals_service_kit import RULES, api, edition_with_two_areas, put_rules
from proposals_svc.models import outbox

def test_rules_are_validated_by_field(svc, official):
    edition = edition_with_two_areas(svc, official)
    broken = copy.deepcopy(RULES)
    del broken["city"]["max_points"]
    broken["district"] = {"type": "ordinal", "max_projects": 3, "rank_points": [3, 2]}
    broken["selection"]["rule"] = "loteria"
    broken["selection"]["draw_seed_sha256"] = "nie-skrót"
    r = put_rules(svc, official.headers, edition, broken)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json["errors"]}
    assert {"rules.city.max_points", "rules.district.rank_points", "rules.selection.rule",
            "rules.selection.draw_seed_sha256"} <= fields
    assert not svc.database.rows("SELECT 1 FROM outbox WHERE key = :k AND event_type = 'edition.rules_set'",
                                 k=edition)


def test_publishing_freezes_the_rules_and_announces_them_under_their_hash(svc, official):
    edition = edition_with_two_areas(svc, official)
    assert put_rules(svc, official.headers, edition, RULES).status_code == 200
    resident = svc.caller("resident")
    assert api(svc, "POST", f"/editions/{edition}/ballot", resident.headers,
               json={"reason": "start głosowania"}).status_code == 403
    published = api(svc, "POST", f"/editions/{edition}/ballot", official.headers, json={"reason": "start głosowania"})
    assert published.status_code == 201, published.text
    state = published.json
    # anyone can recompute the digest from the published rules
    recomputed = hashlib.sha256(json.dumps(state["voting_rules"], sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode()).hexdigest()
    assert state["rules_sha256"] == recomputed and state["rules_frozen_at"]

    changed = put_rules(svc, official.headers, edition, {**RULES, "revoting": True}, reason="zmiana w trakcie")
    assert changed.status_code == 409 and changed.json["errors"][0]["field"] == "_rules"
    assert api(svc, "POST", f"/editions/{edition}/ballot", official.headers,
               json={"reason": "jeszcze raz"}).status_code == 409

    (event,) = outbox_events(svc.database, outbox, "ballot.published")  # once, for voting-svc
    assert event.subject == edition and event.data["rules_sha256"] == recomputed
    assert event.data["rules"] == state["voting_rules"] and len(event.data["areas"]) == 2
    city = next(a for a in event.data["areas"] if a["kind"] == "city")
    assert city["budget"] == 2999999 and {"proposal_id", "external_id", "title", "cost"} <= set(city["projects"][0])

    actions = svc.database.rows("SELECT action, reason FROM audit_log WHERE target = :t ORDER BY id", t=edition)
    assert [tuple(a) for a in actions] == [("edition.rules_set", "uchwała Rady Miasta"),
                                           ("edition.ballot_published", "start głosowania")]


def test_the_preview_checks_rules_like_saving_them_and_saves_nothing(svc, official):
    """Issue 27 (5): "wybór w granicach puli" with "Najwięcej projektów" left empty was a 500 in the console's
    preview; the preview now asks the service, which names the field."""
    no_max = copy.deepcopy(RULES)
    no_max["district"] = {"type": "budget_approval", "min_projects": 1, "max_projects": None}
    refused = api(svc, "POST", "/editions/rules-check", official.headers, json={"rules": no_max})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["rules.district.max_projects"]
    checked = api(svc, "POST", "/editions/rules-check", json={"rules": RULES})
    assert checked.status_code == 200 and checked.json["rules"]["city"] == {**RULES["city"], "rank_points": None}
    assert not svc.database.rows("SELECT 1 FROM audit_log WHERE action = 'edition.rules_set'")


def test_voting_cannot_start_without_a_frozen_ballot_by_hand_or_by_the_schedule(svc, official):
    """Issue 27 (5): the phase could be set to voting with no frozen ballot; residents then read "the ballot of
    this edition is not published"."""
    from datetime import UTC, datetime, timedelta

    from proposals_service_kit import run_scheduler

    edition = edition_with_two_areas(svc, official)
    refused = api(svc, "POST", f"/editions/{edition}/phase", official.headers,
                  json={"phase": "voting", "reason": "start głosowania"})
    assert refused.status_code == 409 and refused.json["type"].endswith("/ballot-not-frozen")
    assert refused.json["errors"][0]["field"] == "phase"
    now = datetime.now(UTC)
    assert api(svc, "PUT", f"/editions/{edition}/schedule", official.headers, json={
        "reason": "harmonogram", "phases": [{"phase": "voting", "starts_at": (now - timedelta(minutes=1)).isoformat(),
                                             "ends_at": (now + timedelta(days=7)).isoformat()}]}).status_code == 200
    assert run_scheduler(svc) == 0  # due, but nothing to vote on: the phase stays
    assert api(svc, "GET", f"/editions/{edition}").json["current_phase"] == "preparation"
    assert put_rules(svc, official.headers, edition, RULES).status_code == 200
    assert api(svc, "POST", f"/editions/{edition}/ballot", official.headers,
               json={"reason": "publikacja karty"}).status_code == 201
    assert run_scheduler(svc) == 1
    assert api(svc, "GET", f"/editions/{edition}").json["current_phase"] == "voting"
