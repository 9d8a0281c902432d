"""proposals-svc's service tests: its app in-process against a fresh database of its own (see
glos_chassis.testing); each test starts from the just-migrated schema. The helpers are in proposals_service_kit.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from glos_chassis.testing import ServiceUnderTest
from proposals_svc import create_app
from proposals_svc.config import ProposalsSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))

SERVICE_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def svc(fresh_database, fresh_redis):
    service = ServiceUnderTest.start(create_app, ProposalsSettings, SERVICE_ROOT, fresh_database("proposals"),
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
