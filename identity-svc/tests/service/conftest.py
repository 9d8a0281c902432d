"""identity-svc's service tests: its app in-process against a fresh database of its own (see
glos_chassis.testing); the tokens are the ones it issues, checked against the keys it publishes. Each test starts
from the just-migrated schema and the app's first signing key. The helpers are in identity_service_kit.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from glos_chassis.db import session_scope
from glos_chassis.testing import KeysServedBy, ServiceUnderTest
from identity_svc import create_app, districts
from identity_svc.config import IdentitySettings

sys.path.insert(0, str(Path(__file__).resolve().parent))

SERVICE_ROOT = Path(__file__).resolve().parents[2]
CITY_DISTRICTS = SERVICE_ROOT.parent / "devstack" / "city-districts.txt"


@pytest.fixture(scope="session")
def svc(fresh_database, fresh_redis):
    service = ServiceUnderTest.start(create_app, IdentitySettings, SERVICE_ROOT, fresh_database("identity"),
                                     redis_url=fresh_redis,
                                     keys=KeysServedBy)
    with service.app.app_context(), session_scope(service.sessions) as session:
        districts.add_known(session, CITY_DISTRICTS.read_text(encoding="utf-8").splitlines())
    service.database.keep_as_seed()  # every test's city has Katowice's districts, as the test stack's
    yield service
    service.stop()


@pytest.fixture(autouse=True)
def _each_test_starts_empty(svc):
    svc.reset()


@pytest.fixture
def official_headers(svc):
    """The demo's official: PB office, coordinator and admin, logged in through this service."""
    from identity_service_kit import login, seed_account

    seed_account(svc, "urzednik.test@glos.local", "test-urzednik-haslo-123", "pb_official,coordinator,admin")
    return {"Authorization": f"Bearer {login(svc, 'urzednik.test@glos.local', 'test-urzednik-haslo-123')}"}


@pytest.fixture
def resident_headers(svc):
    from identity_service_kit import login, seed_account

    seed_account(svc, "mieszkaniec.test@glos.local", "test-mieszkaniec-haslo-123")
    return {"Authorization": f"Bearer {login(svc, 'mieszkaniec.test@glos.local', 'test-mieszkaniec-haslo-123')}"}


@pytest.fixture
def verifier(svc):
    """voting-svc's check of a credential, with the keys identity-svc publishes."""
    from glos_chassis.auth import TokenVerifier

    settings = svc.app.extensions["glos.settings"]
    return TokenVerifier(settings.identity_jwks_url, settings.token_issuer, settings.token_audience,
                         keys=KeysServedBy(svc.app))
