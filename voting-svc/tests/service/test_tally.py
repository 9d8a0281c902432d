"""The tally's turnout counts (issue 25, 4): voters per area and channel, and per area and age band from the
band each logged ballot carries — kept right through re-votes and the all_invalid rule, and published by age
band only with the results. The vote log's messages are handed to the tally's own handler as real envelopes
(the vote path that appends them, and Kafka, are tested on the platform)."""

from __future__ import annotations

import secrets
import uuid

from glos_chassis.testing import deliver, envelope
from voting_service_kit import RULES, api, publish_ballot
from voting_svc import tally
from voting_svc.models import processed_events


def cast(svc, edition: str, voter_key: str, parts: list[dict], *, age_band: str | None = "30-44",
         channel: str = "online", cast_at: str = "2027-05-20T12:00:00+00:00") -> str:
    receipt = secrets.token_hex(16)
    data = {"receipt": receipt, "edition_id": edition, "cast_at": cast_at, "voter_key": voter_key,
            "channel": channel, "parts": parts}
    if age_band is not None:
        data["age_band"] = age_band
    deliver(svc.sessions, processed_events, tally.GROUP_ID, tally.HANDLERS,
            envelope("vote.cast", voter_key, data, source="voting-svc"), topic="voting.votes")
    return receipt


def turnout(svc, edition: str) -> tuple[dict, dict]:
    with svc.database.engine.connect() as conn:
        channels = {(str(a), c): n for a, c, n in conn.exec_driver_sql(
            "SELECT area_id, channel, voters FROM area_turnout WHERE edition_id = %(e)s", {"e": edition})}
        bands = {(str(a), b): n for a, b, n in conn.exec_driver_sql(
            "SELECT area_id, age_band, voters FROM age_band_turnout WHERE edition_id = %(e)s AND voters <> 0",
            {"e": edition})}
    return channels, bands


def test_turnout_by_area_channel_and_age_band_follows_each_voters_standing(svc):
    edition, data = publish_ballot(svc, {**RULES, "revoting": True})
    city, district = data["areas"]
    m1, m2 = (p["proposal_id"] for p in city["projects"][:2])
    d1 = district["projects"][0]["proposal_id"]

    def ballot(*projects):
        return [{"area_id": city["area_id"], "choices": [{"project_id": p, "points": 1} for p in projects]}]

    cast(svc, edition, "a" * 64, ballot(m1) + [{"area_id": district["area_id"],
                                                "choices": [{"project_id": d1, "points": 3}]}], age_band="18-29")
    cast(svc, edition, "b" * 64, ballot(m1, m2), age_band="75+")
    cast(svc, edition, "c" * 64, ballot(m2), age_band="75+")
    # a re-vote replaces the ballot: the voter is still one voter, of the same band
    cast(svc, edition, "c" * 64, ballot(m1), age_band="75+", cast_at="2027-05-20T13:00:00+00:00")
    # a ballot logged before bands were counted still counts, in the turnout by channel only
    cast(svc, edition, "d" * 64, ballot(m2), age_band=None)

    channels, bands = turnout(svc, edition)
    assert channels == {(city["area_id"], "online"): 4, (district["area_id"], "online"): 1}
    assert bands == {(city["area_id"], "18-29"): 1, (city["area_id"], "75+"): 2, (district["area_id"], "18-29"): 1}


def test_a_voided_voter_leaves_the_age_band_counts(svc):
    edition, data = publish_ballot(svc, {**RULES, "paper_and_online": "all_invalid"})
    city = data["areas"][0]
    parts = [{"area_id": city["area_id"], "choices": [{"project_id": city["projects"][0]["proposal_id"],
                                                       "points": 1}]}]
    cast(svc, edition, "e" * 64, parts, age_band="45-59")
    cast(svc, edition, "f" * 64, parts, age_band="45-59")
    cast(svc, edition, "e" * 64, parts, age_band="45-59", channel="paper", cast_at="2027-05-20T14:00:00+00:00")
    channels, bands = turnout(svc, edition)
    assert channels == {(city["area_id"], "online"): 1}
    assert bands == {(city["area_id"], "45-59"): 1}


def test_turnout_by_age_band_is_published_with_the_results_only(svc, published):
    edition, data = published
    city = data["areas"][0]
    cast(svc, edition, "a1" * 32, [{"area_id": city["area_id"], "choices": [
        {"project_id": city["projects"][0]["proposal_id"], "points": 1}]}], age_band="60-74")
    live = api(svc, "GET", f"/editions/{edition}/turnout")
    assert live.status_code == 200 and [row["voters"] for row in live.json] == [1]
    before = api(svc, "GET", f"/editions/{edition}/turnout/age-bands")
    assert before.status_code == 404 and before.content_type == "application/problem+json"
    unknown = api(svc, "GET", f"/editions/{uuid.uuid4()}/turnout/age-bands")
    assert unknown.status_code == 404
