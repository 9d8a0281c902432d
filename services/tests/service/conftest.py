"""The chassis's service tests: a minimal service made by `create_service_app` — the wiring every service gets —
with one endpoint for officials, run in-process with a test key in its verifier."""

from __future__ import annotations

import pytest

from glos_chassis.auth import current_principal, require
from glos_chassis.config import ServiceSettings
from glos_chassis.testing import TestKeys, service_app
from glos_chassis.web import create_service_app


@pytest.fixture(scope="session")
def keys() -> TestKeys:
    return TestKeys("https://glos.local/identity")


@pytest.fixture(scope="session")
def app(fresh_database, fresh_redis, keys):
    settings = ServiceSettings(service_name="chassis-test", database_url=fresh_database("chassis"),
                               redis_url="redis://127.0.0.1:1/0", kafka_bootstrap_servers="127.0.0.1:1",
                               identity_jwks_url="http://127.0.0.1:1/jwks", token_issuer=keys.issuer)
    app, _ = create_service_app(settings, title="chassis test")

    @app.post("/official-only")
    @require(role="pb_official")
    def official_only():
        return {"subject": current_principal().subject}

    app = service_app(app, keys, redis_url=fresh_redis)
    yield app
    app.extensions["glos.engine"].dispose()


@pytest.fixture
def client(app):
    app.extensions["glos.redis"].flushdb()
    return app.test_client()
