"""The last evening with components dying under it, on a stack of its own (the `fault` profile: PostgreSQL,
Redis, three Kafka brokers with replication 3 and min ISR 2, nginx and the services), as an ops team would
rehearse it with `stack.py kill|restart`:

a bounded vote load through nginx — first ballots, re-votes, two identical submissions at once — while
Redis, one broker, the tally worker (twice) and one voting web worker with requests in flight are killed
with SIGKILL and brought back. Right after the Redis restart, the probes that Redis-held state once got
wrong: a late re-send of a replaced ballot, a second ballot where re-voting is off, a ballot to a closed
edition. Then, voter by voter (loadtests/vote_audit.py): nothing acknowledged lost, no receipt for a
ballot that does not count, nothing counted twice, nobody locked out, and the recount — the vote log
replayed, every receipt checked — identical.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

import stack
from glos_testing import seed_account, wait_until
from voting_kit import cast, new_election, part, seed_voters, voting_db

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from loadtests.vote_audit import audit, report  # noqa: E402

FAULT = stack.PROFILES["fault"]
VOTERS = 1800
CLIENTS = 48
# The first 60 % of the voters arrive at a steady 25 a second, so that every fault falls inside the load;
# the rest all at once, so that a killed web worker has requests in flight.
PACED, RATE = 0.6, 25.0
RETRYABLE = (0, 502, 503, 504)


@pytest.fixture(scope="module")
def fault_gateway(fault_profile):
    """The whole platform on the fault profile's ports; this module's helpers read its settings."""
    saved = dict(os.environ)
    os.environ.update(stack.service_env(FAULT, brokers=3))
    try:
        stack.reset_kafka(FAULT)
        stack.start(FAULT, brokers=3)
        stack.reset_databases(FAULT)
        stack.start_services(FAULT)
    except stack.StackError as exc:
        pytest.fail(f"the fault stack did not start: {exc}", pytrace=False)
    try:
        yield f"http://127.0.0.1:{FAULT.gateway_port}"
    finally:
        stack.stop(FAULT)
        os.environ.clear()
        os.environ.update(saved)


def voter_key(credential: str) -> str:
    payload = credential.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


class Load:
    """The clients: each ballot retried with its Idempotency-Key until acknowledged, as the site does."""

    def __init__(self, gateway: str, edition: str):
        self.gateway, self.edition = gateway, edition
        self.answers: list[dict] = []
        self.in_flight = 0
        self.done = 0
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}

    def send(self, credential: str, parts: list, key: str) -> dict:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with self.lock:
                self.in_flight += 1
            try:
                r = cast(self.gateway, self.edition, credential, parts, key=key)
                status = r.status_code
            except requests.RequestException:
                status = 0
            finally:
                with self.lock:
                    self.in_flight -= 1
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
            if status in (200, 201):
                return {"voter_key": voter_key(credential), "receipt": r.json()["receipt"], "status": status}
            in_progress = status == 409 and r.json()["type"].endswith("/vote-in-progress")
            if status not in RETRYABLE and not in_progress:
                return {"voter_key": voter_key(credential), "refused": status, "body": r.text[:300]}
            time.sleep(float(r.headers.get("Retry-After", 0.3)) if status else 0.3)
        return {"voter_key": voter_key(credential), "gave_up": True}

    def voter(self, credential: str, city: dict, rng: random.Random) -> None:
        first, key = part(city, 3), uuid.uuid4().hex
        if rng.random() < 0.15:  # a double click: the same ballot twice at once
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                twins = list(pool.map(lambda _: self.send(credential, [first], key), range(2)))
            assert twins[0].get("receipt") and twins[0]["receipt"] == twins[1].get("receipt"), twins
            answers = [twins[0]]
        else:
            answers = [self.send(credential, [first], key)]
        if rng.random() < 0.3 and answers[0].get("receipt"):  # a change of mind: re-voting is on
            answers.append(self.send(credential, [part(city, 0, 2, 1)], uuid.uuid4().hex))
        with self.lock:
            self.answers += answers
            self.done += 1


def vote_log_fully_in_sync() -> bool:
    from kafka import KafkaAdminClient

    try:
        admin = KafkaAdminClient(bootstrap_servers=FAULT.bootstrap_servers(3).split(","), request_timeout_ms=5000)
    except Exception:  # noqa: BLE001 — a broker still starting: not yet
        return False
    try:
        (topic,) = admin.describe_topics(["voting.votes"])
        return bool(topic["partitions"]) and all(len(p["isr_nodes"]) == 3 for p in topic["partitions"])
    except Exception:  # noqa: BLE001
        return False
    finally:
        admin.close()


def test_the_vote_keeps_its_promise_when_components_die(fault_gateway, tmp_path):
    gateway = fault_gateway
    seed_account("urzednik.fault@glos.local", "fault-urzednik-haslo-123", roles="pb_official,coordinator,admin")
    token = requests.post(f"http://127.0.0.1:{FAULT.service_port('identity')}/token", timeout=10, json={
        "email": "urzednik.fault@glos.local", "password": "fault-urzednik-haslo-123"}).json()["access_token"]
    official = {"Authorization": f"Bearer {token}"}
    election = new_election(gateway, official, revoting=True)
    edition, city = election["edition"], election["city"]
    single = new_election(gateway, official)  # re-voting off
    closed = new_election(gateway, official)
    for folder in ("load", "single", "closed"):
        (tmp_path / folder).mkdir()
    credentials = seed_voters(edition, ["Dąb"] * (VOTERS + 20), tmp_path / "load")
    load_credentials, revote_probes = credentials[:VOTERS], credentials[VOTERS:]
    single_probes = seed_voters(single["edition"], ["Dąb"] * 20, tmp_path / "single")
    closed_probes = seed_voters(closed["edition"], ["Dąb"] * 20, tmp_path / "closed")

    # Before any fault: the probe voters' first answers, as they were.
    load = Load(gateway, edition)
    replaced = {}
    for credential in revote_probes:
        key = uuid.uuid4().hex
        a = load.send(credential, [part(city, 3)], key)
        b = load.send(credential, [part(city, 0, 3)], uuid.uuid4().hex)
        assert a["status"] == b["status"] == 201
        load.answers += [a, b]
        replaced[credential] = (key, a["receipt"])
    for credential in single_probes:
        assert cast(gateway, single["edition"], credential, [part(single["city"], 3)]).status_code == 201
    assert requests.post(f"{gateway}/api/voting/editions/{closed['edition']}/close", headers=official,
                         json={"reason": "koniec głosowania"}, timeout=10).status_code == 201

    figures: dict = {}

    def when(share: float) -> None:
        wait_until(lambda: load.done >= share * VOTERS, timeout=300, message=f"{share:.0%} of the voters")

    def tally_resumes_after(restarted_at: float) -> float:
        before = voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e", e=edition)[0][0]
        wait_until(lambda: voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e",
                                     e=edition)[0][0] > before, timeout=60, interval=0.05,
                   message="the tally to resume")
        return time.monotonic() - restarted_at

    def faults() -> None:
        when(0.10)
        stack.kill_component(FAULT, "redis")
        # Redis away: the vote path goes on; what needs Redis (a staff token's revocation check) says 503
        ballot = requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10)
        staff = requests.get(f"{gateway}/api/voting/editions/{edition}/paper-cards", headers=official, timeout=10)
        figures["redis_down"] = (ballot.status_code, staff.status_code, staff.headers.get("Retry-After"),
                                 staff.headers.get("Content-Type"))
        time.sleep(1)  # the outage itself: ballots keep arriving while Redis is away
        stack.restart_component(FAULT, "redis")
        probes = {"late_resend": [], "second_ballot": [], "closed": []}
        for credential, (key, receipt) in replaced.items():
            r = cast(gateway, edition, credential, [part(city, 3)], key=key)
            probes["late_resend"].append((r.status_code, r.json().get("receipt") == receipt))
        for credential in single_probes:
            r = cast(gateway, single["edition"], credential, [part(single["city"], 0, 3)])
            probes["second_ballot"].append((r.status_code, r.json()["type"].rsplit("/", 1)[-1]))
        for credential in closed_probes:
            r = cast(gateway, closed["edition"], credential, [part(closed["city"], 3)])
            probes["closed"].append((r.status_code, r.json()["type"].rsplit("/", 1)[-1]))
        figures["probes"] = probes

        when(0.25)
        stack.kill_component(FAULT, "kafka-2")
        time.sleep(3)  # the outage itself: appends go on with two brokers of three
        stack.restart_component(FAULT, "kafka-2")
        # The tally's restarts below are measured on a whole cluster: kafka-2 back in every vote-log partition's
        # in-sync set first. On a loaded machine its JVM can still be starting when the brokers' list already
        # names it, and a tally restarted into that took over 60 s to rejoin (two CI runs) — a compound fault
        # this test does not claim to bound (noted on issue 21).
        began = time.monotonic()
        wait_until(vote_log_fully_in_sync, timeout=180, interval=1, message="kafka-2 back in sync")
        figures["kafka2_in_sync_s"] = round(time.monotonic() - began, 1)

        figures["tally_resumed_s"] = []
        for round_, share in enumerate((0.40, 0.50)):
            when(share)
            stack.kill_component(FAULT, "voting-worker")
            time.sleep(2)  # the outage itself: ballots keep arriving while no tally runs
            # and surely some: three of the probe voters change their vote now (re-voting is on), so there is a
            # backlog to tally even if the paced voters are already through
            for credential in list(replaced)[3 * round_:3 * round_ + 3]:
                answer = load.send(credential, [part(city, 0, 0, 3)], uuid.uuid4().hex)
                with load.lock:
                    load.answers.append(answer)
            restarted_at = time.monotonic()
            stack.restart_component(FAULT, "voting-worker")
            figures["tally_resumed_s"].append(tally_resumes_after(restarted_at))

        # the unpaced rest arrives now (not before: on a busy machine the tally's restarts can take longer than
        # the paced part): kill a web worker while it serves them
        burst.set()
        wait_until(lambda: load.in_flight >= 30, timeout=120, interval=0.002, message="30 requests in flight")
        figures["in_flight_at_web_kill"] = load.in_flight
        stack.kill_component(FAULT, "voting-web-worker")
        stack.restart_component(FAULT, "voting-web-worker")

    fault_errors: list[BaseException] = []
    burst = threading.Event()  # set by the faults when they are ready for the unpaced rest of the voters

    def run_faults():
        try:
            faults()
        except BaseException as exc:  # reported after the load, with the figures
            fault_errors.append(exc)
        finally:
            burst.set()  # whatever happened, the rest of the voters vote

    fault_thread = threading.Thread(target=run_faults, daemon=True)
    fault_thread.start()
    rng = random.Random(21)
    started = time.monotonic()

    def arrive(i: int, credential: str, seed: float) -> None:
        if i < PACED * VOTERS:
            time.sleep(max(0.0, started + i / RATE - time.monotonic()))
        else:
            burst.wait()
        load.voter(credential, city, random.Random(seed))

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda args: arrive(*args), [(i, c, rng.random()) for i, c in enumerate(load_credentials)]))
    fault_thread.join(timeout=300)
    print(f"\nanswers seen by the clients: {dict(sorted(load.statuses.items()))}")
    print(f"fault figures: {json.dumps(figures)}")
    assert not fault_errors, fault_errors

    # Redis away: ballots read, the staff path refused with a 503 problem that says when to come back
    assert figures["redis_down"][:3] == (200, 503, "2") and "problem+json" in figures["redis_down"][3]
    probes = figures["probes"]
    assert probes["late_resend"] == [(200, True)] * 20  # the original receipt; the later ballot still counts
    assert probes["second_ballot"] == [(409, "already-voted")] * 20
    assert probes["closed"] == [(409, "voting-closed")] * 20
    # The tally came back after each restart (tally_resumes_after waited for it, 60 s at most); how soon is a
    # figure (printed above: about the 10 s session timeout on a quiet machine), never a timed assertion — a
    # loaded CI machine took 13–16 s.
    assert len(figures["tally_resumed_s"]) == 2
    assert figures["in_flight_at_web_kill"] >= 30
    assert not [a for a in load.answers if "refused" in a], [a for a in load.answers if "refused" in a][:5]

    acknowledged = sum(1 for a in load.answers if a.get("receipt"))
    wait_until(lambda: voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e", e=edition)[0][0]
               >= acknowledged, timeout=120, message="the tally to catch up")
    # every claim settled (a killed web worker's included): by a re-send, or by the worker's sweep
    wait_until(lambda: voting_db("SELECT count(*) FROM vote_claims WHERE state = 'pending'")[0][0] == 0,
               timeout=90, message="no claim left pending")
    result = audit(edition, load.answers, stack.service_env(FAULT, brokers=3))
    print(report(result))
    assert result["voters"] == VOTERS + 20 and result["acknowledged"] == acknowledged
    assert (result["lost"], result["not_counting"], result["counted_twice"], result["locked_out"]) == (0, 0, 0, 0)
    assert result["points_tallied"] == result["points_of_counted_ballots"]
    assert result["recount_identical"] and "0 not as they must be" in result["recount"], result["recount"]
