"""Fixtures shared by every test folder: the real test stack and, for end-to-end tests, the running platform.

Tests come in three layers, and a test's layer is where it lives (the marker is set from the folder):

    <service>/tests/unit/      unit      pure functions; nothing running
    <service>/tests/service/   service   the service's app in-process against its own fresh PostgreSQL database
    everything else            platform  the four services, Kafka, Redis, nginx (and Chromium for web/)

`./glos test --fast` starts only PostgreSQL and runs the first two; `./glos test` starts the test stack
(PostgreSQL, Redis, Kafka, nginx on the test profile's ports) and runs all three. A test that needs a
component that is not there fails with a message saying so; nothing is skipped.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "devstack"))
import stack  # noqa: E402
from glos_testing import login  # noqa: E402

PROFILE = stack.PROFILES["test"]

# Services read their settings from the environment: point this process at the test stack.
os.environ.update(stack.service_env(PROFILE))
os.environ.setdefault("GLOS_TEST_CHASSIS_DATABASE_URL",
                      f"postgresql+psycopg://chassis:chassis-dev-password@127.0.0.1:{PROFILE.pg_port}/glos_chassis")


LAYERS = ("unit", "service")

# Platform tests that change the shared test stack (or the fault profile's), so nothing may run beside them:
# `./glos test` runs the rest of the platform layer three at a time (pytest-xdist) and then these, one after
# another.
EXCLUSIVE = {
    "services/tests/test_outbox_and_consumer.py": "kills the test stack's broker",
    "tests/test_dead_letters.py": "stops consultation-svc's worker",
    # the proposals database's rows counted around each refused request: nothing else may write meanwhile (a
    # proposal another worker filed made "a refused request left rows behind" fail at random)
    "tests/test_bad_input.py": "counts the rows a refused request must not have written",
    "tests/test_gateway_limits_and_outages.py": "floods the login limit of 127.0.0.1 and stops a service",
    "tests/test_loadtests_smoke.py": "load scenarios",
    "tests/test_openapi_conformance.py": "fuzzes every endpoint, up to the gateway's limits",
    "tests/test_voting_outage_and_extension.py": "kills the test stack's broker",
}
# Platform tests on the fault profile's own stack (its three brokers, its services; ports apart from the test
# stack's): `./glos test` runs them one after the other beside the exclusive tests above, which mostly wait on
# the test stack (a broker coming back, a fuzzer's round trips) and leave the machine's cores half idle. Each takes
# the fault profile's lock (fixture `fault_profile`), so the two never run at once however they are started.
OWN_STACK = ("voting-svc/tests/test_vote_path_faults.py", "services/tests/test_three_broker_cluster.py")

# The longest files first, longest first, so that no long test starts near the end and leaves the other worker
# idle (`./glos test` turns off pytest-xdist's own reordering, which puts files with many tests first): the
# Katowice 2020 edition (the vote path at full load), the backup and restore test beside its start, then the
# longest walks. Figures from a clean-clone run, in seconds.
LONG = ("tests/test_katowice_2020_full_edition.py",                 # 312
        # beside Katowice's first minutes, before its 44,075 ballots fill the vote log the rebuild replays
        "voting-svc/tests/test_backup_restore.py",                   # 88 early, 176 late
        "web/tests/test_site_consultation_staff.py",                 # 81
        "web/tests/test_site_office_paper.py",                       # 74
        "proposals-svc/tests/test_edition_walk.py",                  # 66
        "web/tests/test_site_office_queues.py",                      # 62
        "web/tests/test_site_office_edition_walk.py",                # 62
        "consultation-svc/tests/test_consultation_walk.py",          # 60
        "voting-svc/tests/test_receipts_and_recomputation.py")       # 117 in three tests


def _run_order(item) -> tuple:
    relative = Path(str(item.path)).relative_to(REPO).as_posix()
    if relative in LONG:
        return (0, LONG.index(relative))
    return (2, OWN_STACK.index(relative)) if relative in OWN_STACK else (1, 0)


def pytest_collection_modifyitems(config, items):
    for item in items:
        relative = Path(str(item.path)).relative_to(REPO)
        parts = relative.parts
        layer = next((part for part in parts[:-1] if part in LAYERS and "tests" in parts[:parts.index(part)]),
                     "platform")
        item.add_marker(getattr(pytest.mark, layer))
        if relative.as_posix() in EXCLUSIVE:
            item.add_marker(pytest.mark.exclusive)
        if relative.as_posix() in OWN_STACK:
            item.add_marker(pytest.mark.own_stack)
        if relative.as_posix() in LONG:
            item.add_marker(pytest.mark.long)
    # stable: every pytest-xdist worker sorts the same way, as its scheduler requires
    items.sort(key=_run_order)


@contextmanager
def across_workers(name: str):
    """One pytest-xdist worker at a time (a lock file in the test stack's state folder)."""
    PROFILE.state.mkdir(parents=True, exist_ok=True)
    with open(PROFILE.state / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def test_stack() -> stack.Profile:
    missing = [name for name, port in (("PostgreSQL", PROFILE.pg_port), ("Redis", PROFILE.redis_port),
                                       ("Kafka", PROFILE.kafka_ports(1)[0]), ("nginx", PROFILE.gateway_port))
               if not _port_open(port)]
    if missing:
        pytest.fail(f"the test stack is not running ({', '.join(missing)} not answering); "
                    f"run the tests with ./glos test", pytrace=False)
    return PROFILE


@pytest.fixture(scope="module")
def fault_profile():
    """The fault profile's ports (its brokers, its services) for one module at a time across pytest-xdist
    workers: voting-svc's fault test and the three-broker cluster test both start and kill them."""
    with across_workers("fault-profile"):
        yield stack.PROFILES["fault"]


@pytest.fixture(scope="session")
def fresh_database():
    """`fresh_database(service)` → the URL of a new, empty database of the service's own role, for its service
    tests (one per pytest-xdist worker, so workers never share one)."""
    if not _port_open(PROFILE.pg_port):
        pytest.fail("the test stack's PostgreSQL is not answering; run the tests with ./glos test --fast "
                    "(or ./glos test)", pytrace=False)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    created = []

    def create(service: str) -> str:
        name = stack.create_scratch_database(PROFILE, service, f"glos_{service}_{worker}")
        created.append(name)
        return PROFILE.database_url(service).rsplit("/", 1)[0] + "/" + name

    yield create
    for name in created:
        stack.drop_scratch_database(PROFILE, name)


@pytest.fixture(scope="session")
def fresh_redis() -> str:
    """The URL of a Redis database for the service layer: the test stack's real Redis, database 1 + the
    pytest-xdist worker's number (the platform's services use database 0), emptied before each test."""
    if not _port_open(PROFILE.redis_port):
        pytest.fail("the test stack's Redis is not answering; run the tests with ./glos test --fast "
                    "(or ./glos test)", pytrace=False)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
    return f"redis://127.0.0.1:{PROFILE.redis_port}/{2 + int(worker.removeprefix('gw'))}"


@pytest.fixture(scope="session")
def platform(test_stack) -> stack.Profile:
    """All four services (web + worker) against the test stack, migrated, ready. Under pytest-xdist the first
    worker starts them and none stops them (`./glos test` stops the stack at the end); alone, pytest stops what
    it started, so the next run starts the services from the code as it is then."""
    with across_workers("services"):
        already_running = stack.services_running(test_stack)
        try:
            stack.start_services(test_stack)
        except stack.StackError as exc:
            pytest.fail(f"the Glos services did not start: {exc}", pytrace=False)
    yield test_stack
    if not already_running and "PYTEST_XDIST_WORKER" not in os.environ:
        stack.stop_services(test_stack)


@pytest.fixture(scope="session")
def gateway(platform) -> str:
    return f"http://127.0.0.1:{platform.gateway_port}"


DEMO_OFFICIAL = ("urzednik.test@glos.local", "test-urzednik-haslo-123", "pb_official,coordinator,admin")
DEMO_RESIDENT = ("mieszkaniec.test@glos.local", "test-mieszkaniec-haslo-123", "resident")


@pytest.fixture(scope="session")
def accounts(platform) -> dict[str, tuple[str, str]]:
    from glos_testing import seed_account

    for email, password, roles in (DEMO_OFFICIAL, DEMO_RESIDENT):
        with across_workers("accounts"):  # two workers inserting the same new account would collide
            seed_account(email, password, roles)
    return {"official": DEMO_OFFICIAL[:2], "resident": DEMO_RESIDENT[:2]}


# Module-scoped, not session-scoped: a signing-key rotation test retires the key earlier tokens were
# signed with, so each module logs in afresh.
@pytest.fixture(scope="module")
def official_headers(gateway, accounts) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(gateway, *accounts['official'])}"}


@pytest.fixture(scope="module")
def resident_headers(gateway, accounts) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(gateway, *accounts['resident'])}"}
