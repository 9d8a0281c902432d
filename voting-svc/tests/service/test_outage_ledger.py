"""The outage ledger (issue 26, point 4, first part): the worker's checks of the vote path open an outage when a
ballot could not be acknowledged and close it when it could again — also when the database itself was what went
away — and the coordinator reads the outages of an edition's voting, cut to its window, in
`GET /editions/{id}/outages`. (The checks' Kafka side is described here by the admin client's answers; Kafka lies
outside the service under test.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine

from glos_chassis.db import make_session_factory
from voting_service_kit import api, publish_ballot
from voting_svc.outages import Ledger, check_vote_path

# the ballot was published (voting could start) ten days ago
FROZEN = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)


@pytest.fixture
def published(svc):
    return publish_ballot(svc, frozen_at=FROZEN.isoformat())


class Admin:
    """What kafka-python's admin client answers about the vote log."""

    def __init__(self, isr_sizes: list[int], min_isr: int = 2, leaders: list[int] | None = None):
        self.partitions = [{"partition_index": i, "leader_id": (leaders or [1] * len(isr_sizes))[i],
                            "isr_nodes": list(range(n))} for i, n in enumerate(isr_sizes)]
        self.min_isr = min_isr

    def describe_topics(self, topics):
        return [{"error_code": 0, "name": topics[0], "partitions": self.partitions}]

    def describe_configs(self, resources, config_filter="modified"):
        return {"topic": {"voting.votes": {"min.insync.replicas": {"value": str(self.min_isr)}}}}


def test_the_check_says_what_stops_a_ballot(svc):
    engine = svc.database.engine
    assert check_vote_path(engine, Admin([3, 2, 3]), "voting.votes") is None
    assert check_vote_path(engine, Admin([3, 1, 3]), "voting.votes") == \
        "vote log: partition 1 has 1 in-sync copies of the 2 a ballot needs"
    assert check_vote_path(engine, Admin([3, 3], leaders=[1, -1]), "voting.votes") == \
        "vote log: partition 1 has no leader"
    away = create_engine("postgresql+psycopg://voting:x@127.0.0.1:9/none", connect_args={"connect_timeout": 1})
    assert check_vote_path(away, Admin([3]), "voting.votes").startswith("database: ")


def test_outages_are_opened_closed_and_read_within_the_edition_s_voting(svc, published, official):
    edition, _ = published
    ledger = Ledger(svc.sessions)
    before = FROZEN - timedelta(hours=2)  # before voting: cut to the window
    ledger.observe("vote log: partition 3 has no leader", at=before)
    ledger.observe(None, at=FROZEN + timedelta(minutes=5))
    start = FROZEN + timedelta(days=2)
    ledger.observe("vote log: partition 1 has 1 in-sync copies of the 2 a ballot needs", at=start)
    ledger.observe("database: OperationalError", at=start + timedelta(minutes=3))  # still the same outage
    ledger.observe(None, at=start + timedelta(minutes=17))

    answer = api(svc, "GET", f"/editions/{edition}/outages", headers=official.headers)
    assert answer.status_code == 200, answer.text
    ledger_json = answer.json
    assert [(o["seconds"], o["ongoing"], o["cause"]) for o in ledger_json["outages"]] == [
        (300, False, "vote log: partition 3 has no leader"),
        (17 * 60, False, "vote log: partition 1 has 1 in-sync copies of the 2 a ballot needs")]
    assert ledger_json["total_seconds"] == 300 + 17 * 60

    resident = api(svc, "GET", f"/editions/{edition}/outages", headers=svc.caller("resident").headers)
    assert resident.status_code == 403


def test_an_outage_of_the_database_itself_is_written_when_it_answers_again(svc, published, official):
    edition, _ = published
    away = create_engine("postgresql+psycopg://voting:x@127.0.0.1:9/none", connect_args={"connect_timeout": 1})
    ledger = Ledger(make_session_factory(away))
    start = FROZEN + timedelta(days=3)
    ledger.observe("database: OperationalError", at=start)  # nothing can be written now: kept in memory
    ledger.observe("database: OperationalError", at=start + timedelta(minutes=1))
    ledger.session_factory = svc.sessions  # the database answers again
    ledger.observe(None, at=start + timedelta(minutes=4))
    outages = api(svc, "GET", f"/editions/{edition}/outages", headers=official.headers).json["outages"]
    assert [(o["started_at"], o["seconds"]) for o in outages] == [(start.isoformat(), 240)]


def test_an_ongoing_outage_counts_until_now(svc, published, official):
    edition, _ = published
    Ledger(svc.sessions).observe("vote log: NoBrokersAvailable", at=datetime.now(UTC) - timedelta(seconds=90))
    outage = api(svc, "GET", f"/editions/{edition}/outages", headers=official.headers).json["outages"][0]
    assert outage["ongoing"] and outage["ended_at"] is None and 89 <= outage["seconds"] <= 300


def test_an_outage_that_ends_is_announced_to_each_edition_whose_voting_it_fell_in(svc, published, official):
    from glos_chassis.testing import outbox_events
    from voting_svc.models import outbox

    edition, _ = published
    closed, _ = publish_ballot(svc, frozen_at=FROZEN.isoformat())
    assert api(svc, "POST", f"/editions/{closed}/close", headers=official.headers,
               json={"reason": "koniec głosowania"}).status_code == 201
    start = datetime.now(UTC) - timedelta(minutes=40)
    ledger = Ledger(svc.sessions)
    ledger.observe("vote log: NoBrokersAvailable", at=start)
    assert not outbox_events(svc.database, outbox, "voting.outage_ended")  # not over yet
    ledger.observe(None, at=start + timedelta(minutes=25))
    announced = outbox_events(svc.database, outbox, "voting.outage_ended")
    assert [(e.subject, e.data["seconds"]) for e in announced] == [(edition, 25 * 60)]  # the closed one: not
