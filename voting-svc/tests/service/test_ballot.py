"""The published ballot in voting-svc: taken from proposals-svc's `ballot.published` only if its rules hash to the
published SHA-256, once; and the dry-run check the site uses for each step of the ballot — the very rules that
decide a cast ballot, without a credential."""

from __future__ import annotations

import uuid

import pytest

from glos_chassis.canonical import sha256_hex
from glos_chassis.testing import HandlerFailed
from voting_service_kit import RULES, api, from_proposals_svc, publish_ballot


def test_the_ballot_is_kept_with_its_frozen_rules(svc, published):
    edition, data = published
    ballot = api(svc, "GET", f"/editions/{edition}/ballot")
    assert ballot.status_code == 200
    assert ballot.json["rules_sha256"] == sha256_hex(RULES) and ballot.json["rules"] == RULES
    assert [a["name"] for a in ballot.json["areas"]] == ["Ogólnomiejski", "Dąb"]
    # a second publication (a redelivery, or proposals-svc publishing again) changes nothing
    changed = {**data, "rules": {**RULES, "revoting": True}, "rules_sha256": sha256_hex({**RULES, "revoting": True})}
    from_proposals_svc(svc, "ballot.published", edition, changed)
    assert api(svc, "GET", f"/editions/{edition}/ballot").json["rules"] == RULES


def test_a_ballot_whose_rules_do_not_match_their_hash_is_refused(svc):
    with pytest.raises(HandlerFailed, match="TamperedRules"):  # on the platform: to the dead-letter topic
        publish_ballot(svc, {**RULES, "revoting": True}, digest=sha256_hex(RULES))
    assert not svc.database.rows("SELECT 1 FROM ballot_views")


def _part(area: dict, *points: int) -> dict:
    return {"area_id": area["area_id"], "choices": [{"project_id": p["proposal_id"], "points": n}
                                                    for p, n in zip(area["projects"], points) if n]}


def test_the_dry_run_check_applies_the_frozen_rules_without_casting(svc, published):
    edition, data = published
    city, dab = data["areas"]
    ok = api(svc, "POST", f"/editions/{edition}/ballot/check", json={"parts": [_part(city, 1, 0, 1), _part(dab, 2, 1)]})
    assert ok.status_code == 200 and ok.json["valid"]
    assert [len(p["choices"]) for p in ok.json["parts"]] == [2, 2]

    refused = api(svc, "POST", f"/editions/{edition}/ballot/check", json={"parts": [_part(city, 1, 1, 1)]})
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith("application/problem+json")
    (error,) = refused.json["errors"]
    assert error["field"] == "parts.0.choices" and "(wybrano 3)" in error["message"]
    too_many_points = api(svc, "POST", f"/editions/{edition}/ballot/check", json={"parts": [_part(dab, 3, 1)]},
                          headers={"Accept-Language": "en"})
    assert "at most 3" in too_many_points.json["errors"][0]["message"]

    # a step of a ballot still being filled in: nothing chosen yet is no error; a whole empty ballot is
    assert api(svc, "POST", f"/editions/{edition}/ballot/check", json={"parts": [], "whole": False}).status_code == 200
    assert api(svc, "POST", f"/editions/{edition}/ballot/check", json={"parts": []}).json["errors"][0]["field"] == \
        "parts"
    # the own-district rule only when the district is given
    elsewhere = api(svc, "POST", f"/editions/{edition}/ballot/check",
                    json={"parts": [_part(dab, 1)], "district": "Ligota"})
    assert elsewhere.json["errors"][0]["field"] == "parts.0.area_id"
    # nothing was cast or counted
    assert not svc.database.rows("SELECT 1 FROM vote_claims") and not svc.database.rows("SELECT 1 FROM votes")
    assert api(svc, "POST", f"/editions/{uuid.uuid4()}/ballot/check", json={"parts": []}).status_code == 404
