"""voting-svc's service tests: its app in-process against a fresh database of its own (see
glos_chassis.testing); each test starts from the just-migrated schema. The vote path itself appends to the
vote log in Kafka: its tests are in the platform layer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from glos_chassis.testing import ServiceUnderTest
from voting_svc import create_app
from voting_svc.config import VotingSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))

SERVICE_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def svc(fresh_database, fresh_redis):
    service = ServiceUnderTest.start(create_app, VotingSettings, SERVICE_ROOT, fresh_database("voting"),
                                     redis_url=fresh_redis)
    yield service
    service.stop()


@pytest.fixture(autouse=True)
def _each_test_starts_empty(svc):
    svc.reset()


@pytest.fixture
def official(svc):
    """A PB office coordinator (the roles the demo's official has)."""
    return svc.caller("pb_official", "coordinator", "admin")


@pytest.fixture
def published(svc):
    """A ballot as proposals-svc publishes it — approval in the city (max 2), points in the districts (max 3) —
    handed to voting-svc's handlers: (the edition id, the event's data)."""
    from voting_service_kit import publish_ballot

    return publish_ballot(svc)
