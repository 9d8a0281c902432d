"""Extending voting after an outage (issue 26, point 4): only a coordinator, only while voting runs, only to a later
end, always with a reason; the voting phase's end moves and every later dated phase with it; audited, announced
(`voting.extended`) and listed with the schedule for the edition's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from glos_chassis.testing import outbox_events
from proposals_service_kit import RULES, api, edition_with_two_areas, new_edition, put_rules, run_scheduler
from proposals_svc.models import outbox


def voting_edition(svc, official, rules=RULES, name="BO zasady") -> tuple[str, datetime]:
    """An edition whose ballot is frozen and whose voting, begun a day ago, ends in two hours."""
    edition = edition_with_two_areas(svc, official, name=name)
    r = put_rules(svc, official.headers, edition, rules)
    assert r.status_code == 200, r.text
    assert api(svc, "POST", f"/editions/{edition}/ballot", official.headers,
               json={"reason": "start głosowania"}).status_code == 201
    now = datetime.now(UTC).replace(microsecond=0)
    ends = now + timedelta(hours=2)
    r = api(svc, "PUT", f"/editions/{edition}/schedule", official.headers, json={
        "reason": "harmonogram", "phases": [
            {"phase": "voting", "starts_at": (now - timedelta(days=1)).isoformat(), "ends_at": ends.isoformat()},
            {"phase": "results", "starts_at": (ends + timedelta(hours=1)).isoformat(),
             "ends_at": (ends + timedelta(days=30)).isoformat()}]})
    assert r.status_code == 200, r.text
    run_scheduler(svc)
    assert api(svc, "GET", f"/editions/{edition}/schedule").json["current_phase"] == "voting"
    return edition, ends


def extend(svc, caller, edition, ends_at: datetime, reason="awaria systemu głosowania 18:40–19:10", **extra):
    return api(svc, "POST", f"/editions/{edition}/voting-extensions", caller.headers,
               json={"ends_at": ends_at.isoformat(), "reason": reason, **extra})


def test_a_coordinator_extends_voting_and_the_later_phases_move_with_it(svc, official):
    edition, ends = voting_edition(svc, official)
    later = ends + timedelta(minutes=30)
    r = extend(svc, official, edition, later, outage_seconds=1800)
    assert r.status_code == 201, r.text
    phases = {p["phase"]: p for p in r.json["phases"]}
    assert datetime.fromisoformat(phases["voting"]["ends_at"]) == later
    assert datetime.fromisoformat(phases["results"]["starts_at"]) == ends + timedelta(hours=1, minutes=30)
    assert datetime.fromisoformat(phases["results"]["ends_at"]) == ends + timedelta(days=30, minutes=30)

    schedule = api(svc, "GET", f"/editions/{edition}/schedule").json  # what the edition's page shows
    [extension] = schedule["voting_extensions"]
    assert (extension["reason"], extension["outage_seconds"]) == ("awaria systemu głosowania 18:40–19:10", 1800)
    assert datetime.fromisoformat(extension["previous_ends_at"]) == ends

    [event] = outbox_events(svc.database, outbox, "voting.extended")
    assert event.data == {"edition_id": edition, "previous_ends_at": ends.isoformat(), "ends_at": later.isoformat(),
                          "reason": "awaria systemu głosowania 18:40–19:10", "outage_seconds": 1800}
    audit = svc.database.rows("SELECT actor, reason FROM audit_log WHERE action = 'edition.voting_extended' "
                              "AND target = :e", e=edition)
    assert [tuple(row) for row in audit] == [(official.account_id, "awaria systemu głosowania 18:40–19:10")]


def test_refused_without_a_reason_to_an_earlier_end_by_an_official_or_outside_voting(svc, official):
    edition, ends = voting_edition(svc, official)
    no_reason = extend(svc, official, edition, ends + timedelta(hours=1), reason="")
    assert no_reason.status_code == 422 and {e["field"] for e in no_reason.json["errors"]} == {"reason"}
    earlier = extend(svc, official, edition, ends - timedelta(minutes=1))
    assert earlier.status_code == 422 and earlier.json["errors"][0]["field"] == "ends_at"
    official_only = svc.caller("pb_official")
    assert extend(svc, official_only, edition, ends + timedelta(hours=1)).status_code == 403
    not_voting = new_edition(svc, official)["id"]  # collecting proposals
    refused = extend(svc, official, not_voting, ends + timedelta(hours=1))
    assert refused.status_code == 409 and refused.json["type"].endswith("/not-voting")
    assert api(svc, "GET", f"/editions/{edition}/schedule").json["voting_extensions"] == []
    assert not outbox_events(svc.database, outbox, "voting.extended")


def test_an_outage_longer_than_the_rules_say_extends_voting_by_its_length(svc, official):
    """Issue 26 (4): the frozen rules may say "extend automatically by an outage's length when it lasts more
    than M minutes" — voting-svc's ledger announces the outage, and voting is extended without anyone's decision;
    a shorter outage, or an edition whose rules do not say so, is left to the coordinator."""
    from glos_chassis.testing import deliver, envelope
    from proposals_svc import handlers
    from proposals_svc.models import processed_events

    def outage(edition, minutes):
        ended = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS, envelope(
            "voting.outage_ended", edition, {"edition_id": edition, "started_at": (ended - timedelta(
                minutes=minutes)).isoformat(), "ended_at": ended.isoformat(), "seconds": minutes * 60 + 5},
            source="voting-svc"))

    def voting_end(edition) -> datetime:
        schedule = api(svc, "GET", f"/editions/{edition}/schedule").json
        return datetime.fromisoformat(next(p for p in schedule["phases"] if p["phase"] == "voting")["ends_at"])

    automatic = dict(RULES, outage_extension_after_minutes=15)
    edition, ends = voting_edition(svc, official, rules=automatic)
    outage(edition, 10)  # shorter than 15 min: the coordinator decides
    assert voting_end(edition) == ends
    outage(edition, 25)  # 25 min 5 s → 26 whole minutes
    assert voting_end(edition) == ends + timedelta(minutes=26)
    [extension] = api(svc, "GET", f"/editions/{edition}/schedule").json["voting_extensions"]
    assert extension["reason"].startswith("Automatyczne przedłużenie o czas przerwy w głosowaniu")
    assert extension["outage_seconds"] == 25 * 60 + 5
    audit = svc.database.rows("SELECT actor FROM audit_log WHERE action = 'edition.voting_extended' AND target = :e",
                              e=edition)
    assert [row[0] for row in audit] == ["system:outage-ledger"]

    by_hand, ends_by_hand = voting_edition(svc, official, name="BO bez automatu")  # rules without the clause
    outage(by_hand, 60)
    assert voting_end(by_hand) == ends_by_hand
