"""What a service's own tests (its `tests/service/` layer) need to run its app in-process, without the platform.

The layer's rule: what matters is never faked. The app is the service's own `create_app(settings)`, its
database is a real PostgreSQL database migrated by the service's own Alembic scripts, the tokens are RS256 JWTs
checked by the chassis's verifier (signed by a test key instead of identity-svc's), events are the outbox rows
the service wrote in the same transaction, and consumed events go to the service's handlers as real envelopes.
What is left out is what lies outside the service: Kafka (the outbox relay and the consumers' polling are the
chassis's, tested in its own layer), the other services, and Redis, which in these services only counts limits
and lockouts and remembers revoked token ids — fakeredis keeps those in-process, with Redis's commands and
expiry; the platform layer runs every service against the real Redis.

    database = ServiceDatabase(url, SERVICE_ROOT)     # created afresh by the test run, migrated once
    keys = TestKeys(settings.token_issuer)
    app = service_app(create_app(settings), keys)
    client = app.test_client()
    client.get("/editions", headers=keys.headers(roles=["pb_official"]))
    database.empty()                                 # after each test: back to just-migrated

Markers: the root conftest marks each test by its folder — `tests/unit/` unit, `tests/service/` service,
anything else platform.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from sqlalchemy import Engine, create_engine, select, text

from .auth import TokenVerifier
from .events import Envelope, deserialize, new_event
from .migrate import upgrade

# Tables a migration fills (a list of stems, say) are copied here once migrated, and copied back after each
# test's truncation, so every test starts from exactly what `migrate` leaves.
SEED_SCHEMA = "glos_test_seed"


class ServiceDatabase:
    """A service's own PostgreSQL database for its service tests: migrated once, emptied after each test.

    Emptying is TRUNCATE … RESTART IDENTITY of every table but Alembic's, then the seeded rows back: a few
    milliseconds, and unlike a rolled-back outer transaction it also isolates what a service does on
    connections of its own (voting-svc's claims) and with several transactions in one request."""

    def __init__(self, url: str, service_root: Path):
        self.url = url
        self.service_root = service_root
        self.engine: Engine = create_engine(url, pool_size=2, hide_parameters=True)
        self._tables: list[str] = []
        self._seeded: list[str] = []

    def migrate(self) -> None:
        upgrade(self.service_root, self.url)
        self.keep_as_seed()

    def keep_as_seed(self) -> None:
        """What the tables hold now is what every test starts from (call again after an app's start wrote rows,
        as identity-svc's first signing key)."""
        with self.engine.begin() as conn:
            self._tables = conn.scalars(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                "ORDER BY tablename")).all()
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SEED_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SEED_SCHEMA}"))
            self._seeded = []
            for table in self._tables:
                if conn.scalar(text(f'SELECT EXISTS (SELECT 1 FROM public."{table}")')):
                    conn.execute(text(f'CREATE TABLE {SEED_SCHEMA}."{table}" AS TABLE public."{table}"'))
                    self._seeded.append(table)

    def empty(self) -> None:
        if not self._tables:
            return
        names = ", ".join(f'public."{t}"' for t in self._tables)
        with self.engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table in self._seeded:
                conn.execute(text(f'INSERT INTO public."{table}" SELECT * FROM {SEED_SCHEMA}."{table}"'))

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.scalar(text(sql), params)

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def dispose(self) -> None:
        self.engine.dispose()


class TestKeys:
    """An RSA key pair standing in for identity-svc's signing key: tokens signed here pass the chassis's own
    verification (RS256, kid, issuer, audience, expiry) in the app under test."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, issuer: str, audience: str = "glos"):
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._private.public_key(), as_dict=True)
        self._public_jwk = {**public_jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}
        self._jwks = jwt.PyJWKSet.from_dict({"keys": [self._public_jwk]})

    @property
    def public_jwks(self) -> dict:
        """The key set as identity-svc publishes its own (for a test that serves it over HTTP)."""
        return {"keys": [dict(self._public_jwk)]}

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """For tests that forge what an attacker would (a token for another audience, an expired one)."""
        return self._private

    def get_signing_key(self, kid: str) -> jwt.PyJWK:
        """PyJWKClient's one method the verifier uses."""
        for key in self._jwks.keys:
            if key.key_id == kid:
                return key
        raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')

    def token(self, subject: str | None = None, roles: tuple[str, ...] | list[str] = ("resident",), *,
              ttl_s: int = 600, kid: str | None = None, **claims) -> str:
        now = int(time.time())
        payload = {"sub": subject or str(uuid.uuid4()), "roles": list(roles), "iss": self.issuer,
                   "aud": self.audience, "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex, **claims}
        return jwt.encode(payload, self._private, algorithm="RS256", headers={"kid": kid or self.kid})

    def headers(self, subject: str | None = None, roles: tuple[str, ...] | list[str] = ("resident",),
                **claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(subject, roles, **claims)}"}


class KeysServedBy:
    """The key set an app under test publishes itself (identity-svc's JWKS), read through its test client: the
    verifier of identity-svc's own tests checks the tokens it issued with the keys it publishes."""

    def __init__(self, app: Flask, path: str = "/.well-known/jwks.json"):
        self.app, self.path = app, path

    def get_signing_key(self, kid: str) -> jwt.PyJWK:
        published = jwt.PyJWKSet.from_dict(self.app.test_client().get(self.path).get_json())
        for key in published.keys:
            if key.key_id == kid:
                return key
        raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')


@dataclass(frozen=True)
class Caller:
    """A person calling the app under test: their account id and their headers."""

    account_id: str
    headers: dict[str, str]


def caller(keys: TestKeys, *roles: str, account_id: str | None = None, **claims) -> Caller:
    account_id = account_id or str(uuid.uuid4())
    return Caller(account_id, keys.headers(account_id, roles or ("resident",), **claims))


def service_app(app: Flask, keys=None, *, redis_client=None) -> Flask:
    """The service's app wired for its own tests: tokens checked against `keys` (a `TestKeys`, or any
    PyJWKClient-like object — identity-svc's tests give it the app's own key set), Redis in-process."""
    if redis_client is None:
        import fakeredis

        redis_client = fakeredis.FakeRedis()
    app.extensions["glos.redis"] = redis_client
    if keys is not None:
        settings = app.extensions["glos.settings"]
        app.extensions["glos.token_verifier"] = TokenVerifier(settings.identity_jwks_url, settings.token_issuer,
                                                              settings.token_audience, keys=keys)
    app.testing = True
    return app


def settings_for(settings_cls, database_url: str, **overrides):
    """The service's settings class with its database pointed at the test database (whatever the field's
    environment alias) and everything else from the environment."""
    field = settings_cls.model_fields["database_url"]
    alias = field.validation_alias if isinstance(field.validation_alias, str) else "database_url"
    return settings_cls(**{alias: database_url}, **overrides)


def outbox_events(database: ServiceDatabase, outbox_table, event_type: str | None = None,
                  subject: str | None = None) -> list[Envelope]:
    """The events a service announced (its outbox rows), oldest first, as the envelopes consumers will get."""
    query = select(outbox_table.c.payload).order_by(outbox_table.c.id)
    if event_type:
        query = query.where(outbox_table.c.event_type == event_type)
    if subject:
        query = query.where(outbox_table.c.key == subject)
    with database.engine.connect() as conn:
        return [deserialize(payload) for payload in conn.scalars(query)]


def envelope(type_: str, subject: str, data: dict, *, source: str) -> Envelope:
    """An event as another service would publish it (the chassis's own envelope, version 1)."""
    return new_event(type_, subject, data, source=source)


class HandlerFailed(AssertionError):
    """The handler refused the event: on the platform it would have gone to the dead-letter topic."""


class _DeadLetterRaises:
    def send(self, topic, key=None, value=None, headers=()):
        error = dict(headers).get("dlt.error", b"").decode()
        raise HandlerFailed(f"the event would be dead-lettered to {topic}: {error}")


def deliver(session_factory, processed_table, group_id: str, handlers, event: Envelope, *,
            topic: str = "test.events") -> None:
    """Hand an event to a service's handlers the way its consumer does, minus Kafka: the envelope encoded as
    on the wire and decoded again, the event id recorded as processed in the handler's transaction (a second
    delivery is a no-op), a failure raised as `HandlerFailed` instead of dead-lettered."""
    from types import SimpleNamespace

    from .consumer import IdempotentConsumer
    from .kafka_io import encode_envelope

    consumer = IdempotentConsumer(None, _DeadLetterRaises(), session_factory, processed_table, group_id, handlers,
                                  max_attempts=1)
    message = SimpleNamespace(topic=topic, partition=0, offset=0, key=event.subject.encode(),
                              value=encode_envelope(event), headers=[])
    consumer.handle_message(message)


@dataclass
class ServiceUnderTest:
    """One service for its service tests: its app (and test client), its fresh database, the test keys."""

    app: Flask
    database: ServiceDatabase
    keys: TestKeys

    @classmethod
    def start(cls, create_app, settings_cls, service_root: Path, database_url: str, *, keys=None,
              **settings) -> ServiceUnderTest:
        database = ServiceDatabase(database_url, service_root)
        database.migrate()
        config = settings_for(settings_cls, database_url, **settings)
        test_keys = TestKeys(config.token_issuer, config.token_audience)
        app = create_app(config)
        # keys: the test keys, or a function of the app for a service that signs its own (identity-svc)
        app = service_app(app, test_keys if keys is None else keys(app))
        database.keep_as_seed()  # what the app wrote at its start (a first signing key) stays for every test
        return cls(app, database, test_keys)

    def reset(self) -> None:
        """Back to just-started: the database emptied to its seed, Redis's counters and locks forgotten."""
        self.database.empty()
        self.app.extensions["glos.redis"].flushall()

    @property
    def client(self):
        return self.app.test_client()

    @property
    def sessions(self):
        return self.app.extensions["glos.sessions"]

    def caller(self, *roles: str, account_id: str | None = None, **claims) -> Caller:
        return caller(self.keys, *roles, account_id=account_id, **claims)

    def stop(self) -> None:
        self.app.extensions["glos.engine"].dispose()
        self.database.dispose()
