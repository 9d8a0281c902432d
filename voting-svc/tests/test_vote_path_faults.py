"""Faults on the vote path, on the real stack while ballots flow through nginx:

- kill -9 of the tally worker, then a restart: the final tally equals the accepted ballots exactly;
- kill -9 of the Kafka broker, then a restart: no accepted ballot is lost — a client was told to retry
  (503) for anything the log did not acknowledge, and retrying with the same Idempotency-Key got it in.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
import uuid

import requests

import stack
from glos_testing import wait_until
from voting_kit import cast, new_election, part, recount, seed_voters, voting_db


def cast_all(gateway, edition, credentials, parts, *, retry: bool, during=None, after: int = 0):
    """Cast one ballot per credential from 16 threads; call `during()` once `after` answers are in.
    Returns the receipts of accepted ballots and the statuses seen."""
    receipts, statuses, lock = {}, [], threading.Lock()
    fired = threading.Event()

    def one(credential):
        key, deadline = uuid.uuid4().hex, time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                r = cast(gateway, edition, credential, parts, key=key)
                status = r.status_code
            except requests.RequestException:
                status = 0
            with lock:
                statuses.append(status)
                if during is not None and len(statuses) >= after and not fired.is_set():
                    fired.set()
                    threading.Thread(target=during, daemon=True).start()
            if status in (200, 201):
                receipts[credential] = r.json()["receipt"]
                return
            in_progress = status == 409 and r.json()["type"].endswith("/vote-in-progress")
            if not retry or not (status in (0, 502, 503, 504) or in_progress):
                return
            time.sleep(0.5)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(one, credentials))
    return receipts, statuses


def assert_tally_equals(edition, city, receipts):
    wait_until(lambda: voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e", e=edition)[0][0]
               >= len(receipts), timeout=120, message="the tally to catch up")
    recorded = {r for (r,) in voting_db("SELECT receipt FROM ballot_records WHERE edition_id = :e", e=edition)}
    assert set(receipts.values()) <= recorded  # no accepted ballot lost
    counted = voting_db("SELECT count(*) FROM votes WHERE edition_id = :e AND status = 'counted'", e=edition)[0][0]
    assert counted == len(receipts)
    tallies = dict(voting_db("SELECT project_id::text, points FROM project_tallies WHERE edition_id = :e", e=edition))
    assert [tallies.get(p["proposal_id"]) for p in city["projects"][:3]] == [len(receipts)] * 3
    turnout = voting_db("SELECT voters FROM area_turnout WHERE edition_id = :e AND area_id = :a", e=edition,
                        a=city["area_id"])
    assert turnout == [(len(receipts),)]
    recount(edition)


def test_the_tally_worker_killed_mid_vote_counts_every_ballot_exactly_once(gateway, official_headers, test_stack,
                                                                           tmp_path):
    election = new_election(gateway, official_headers)
    edition, city = election["edition"], election["city"]
    credentials = seed_voters(edition, ["Dąb"] * 600, tmp_path)

    def kill_and_restart():
        assert stack.stop_worker(test_stack, "voting", kill=True)
        time.sleep(2)  # the outage itself: ballots keep arriving while no tally runs
        stack.start_worker(test_stack, "voting")

    receipts, statuses = cast_all(gateway, edition, credentials, [part(city, 1, 1, 1)], retry=False,
                                  during=kill_and_restart, after=200)
    assert set(statuses) == {201} and len(receipts) == 600  # the vote path does not need the tally
    assert_tally_equals(edition, city, receipts)


def test_a_broker_restart_loses_no_accepted_ballot(gateway, official_headers, test_stack, tmp_path):
    election = new_election(gateway, official_headers)
    edition, city = election["edition"], election["city"]
    credentials = seed_voters(edition, ["Dąb"] * 400, tmp_path)

    def restart_broker():
        assert stack.stop_kafka_node(test_stack, 1, kill=True)
        time.sleep(3)  # the outage itself: ballots keep arriving while the log is away
        stack.start_kafka_node(test_stack, 1)

    receipts, statuses = cast_all(gateway, edition, credentials, [part(city, 1, 1, 1)], retry=True,
                                  during=restart_broker, after=120)
    stack.wait_for_kafka(test_stack, 1)
    print(f"answers during the broker restart: { {s: statuses.count(s) for s in set(statuses)} }")
    assert len(receipts) == 400 and set(statuses) <= {0, 200, 201, 409, 502, 503, 504}
    assert_tally_equals(edition, city, receipts)
