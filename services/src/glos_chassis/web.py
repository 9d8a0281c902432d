"""The Flask side of every service: one factory helper wires the shared mechanisms.

`create_service_app` gives a service its app with: flask-smorest (OpenAPI at
/openapi.json, docs page at /docs), the problem+json error handlers, request
ids and JSON logs, `/alive` (the process answers), `/ready` (its database,
Redis and Kafka answer), Prometheus `/metrics`, the body size limit and the
token verifier. The service then registers its own blueprints.

Behind the gateway a service is mounted at /api/<service>/ with the prefix
stripped; ProxyFix reads X-Forwarded-Prefix so the links it generates (the
docs page's spec URL) carry the public prefix.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

import redis
from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api
from jinja2 import FileSystemLoader
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest,
                               multiprocess)
from sqlalchemy import Engine, text
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import TokenVerifier
from .config import ServiceSettings
from .db import make_engine, make_session_factory
from .errors import register_error_handlers
from .json_body import check_request_body
from .logs import configure_logging, request_id_var
from .openapi import ServiceApi

log = logging.getLogger(__name__)

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

ReadinessCheck = Callable[[], None]



class KafkaReadiness:
    """Asks the cluster for its metadata; the answer is cached briefly so probes stay cheap."""

    def __init__(self, bootstrap_servers: str, cache_s: float = 5.0):
        self.bootstrap_servers = bootstrap_servers
        self.cache_s = cache_s
        self._client = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        from kafka import KafkaAdminClient

        from .kafka_io import connection

        with self._lock:
            if time.monotonic() - self._checked_at < self.cache_s:
                return
            try:
                if self._client is None:
                    self._client = KafkaAdminClient(**connection(self.bootstrap_servers),
                                                    request_timeout_ms=3000, client_id="readiness")
                if not self._client.describe_cluster().get("brokers"):
                    raise RuntimeError("no live brokers")
            except Exception:
                if self._client is not None:
                    self._client.close()
                self._client = None
                raise
            self._checked_at = time.monotonic()


def _drain_request_body() -> None:
    """Read what is left of the request body before answering.

    A view may refuse a request before reading its body (no token, a wrong content type, a body over this
    endpoint's limit). gunicorn then closes the connection with the body's rest unread, the kernel answers
    nginx — still sending it — with a reset, and nginx turns the service's 4xx into a 502. The body is
    bounded by the gateway's limit for the location, and after a normal request nothing is left to read."""
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    try:
        while stream.read(64 * 1024):
            pass
    except Exception:  # a client that went away: nothing to answer to anyway
        pass


def database_check(engine: Engine) -> ReadinessCheck:
    def check() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    return check


def redis_check(client) -> ReadinessCheck:
    def check() -> None:
        client.ping()

    return check


def db_sessions():
    """The session factory of the current app's own database."""
    return current_app.extensions["glos.sessions"]


def create_service_app(settings: ServiceSettings, *, title: str, version: str = "0.1.0",
                       description: str = "", needs_redis: bool = True) -> tuple[Flask, Api]:
    """The app with its database (engine and sessions in app.extensions), Redis, and Kafka readiness.

    A service whose answers do not depend on Redis (voting-svc) says `needs_redis=False`: it stays ready, and
    keeps its place behind the load balancer, while Redis is away."""
    configure_logging(settings.service_name, settings.log_level)
    engine = make_engine(settings.database_url.get_secret_value())
    redis_client = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
    readiness: dict[str, ReadinessCheck] = {
        "database": database_check(engine), "kafka": KafkaReadiness(settings.kafka_bootstrap_servers)}
    if needs_redis:
        readiness["redis"] = redis_check(redis_client)
    # the root path named: the service's name ("proposals-svc") is no module Flask could find it from
    app = Flask(settings.service_name, root_path=os.path.dirname(os.path.abspath(__file__)))
    # the chassis's own templates first: its docs page starts Swagger UI without an inline script
    app.jinja_loader = FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates"))
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Swagger UI is served by the gateway itself (web/static/vendor/swagger-ui, pinned), never from a CDN
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        API_SPEC_OPTIONS={"info": {"description": description}} if description else {},
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    api = ServiceApi(app)
    register_error_handlers(app)  # after Api(), so ours replace flask-smorest's JSON errors
    app.extensions["glos.settings"] = settings
    # endpoints a service adds here hand out secrets to a caller without a token (a login): never cached
    app.extensions["glos.no_store_endpoints"] = set()
    app.extensions["glos.engine"] = engine
    app.extensions["glos.sessions"] = make_session_factory(engine)
    app.extensions["glos.redis"] = redis_client
    app.extensions["glos.token_verifier"] = TokenVerifier(settings.identity_jwks_url, settings.token_issuer,
                                                          settings.token_audience)
    service = settings.service_name

    @app.before_request
    def _start_request():
        rid = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        g.request_id_token = request_id_var.set(rid[:64])
        g.started = time.perf_counter()

    # every JSON body: no nesting that would exhaust the parser, no text the database cannot store
    app.before_request(check_request_body)

    @app.after_request
    def _finish_request(response: Response):
        _drain_request_body()
        response.headers["X-Request-Id"] = request_id_var.get() or ""
        if "Authorization" in request.headers or request.endpoint in app.extensions["glos.no_store_endpoints"]:
            # an answer to a signed-in person (or one carrying tokens) is theirs: no cache may keep it
            response.headers.setdefault("Cache-Control", "no-store")
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(service, request.method, endpoint, response.status_code).inc()
        LATENCY.labels(service, request.method, endpoint).observe(time.perf_counter() - g.get("started", 0))
        return response

    @app.teardown_request
    def _reset_request_id(exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)

    @app.get("/alive")
    def alive():
        return jsonify(status="alive", service=service)

    @app.get("/ready")
    def ready():
        results, ok = {}, True
        for name, check in readiness.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:  # a probe reports, it does not fail
                ok = False
                results[name] = "unavailable"
                log.warning("readiness check %s failed: %s", name, type(exc).__name__)
        body = jsonify(status="ready" if ok else "not ready", service=service, checks=results)
        body.status_code = 200 if ok else 503
        return body

    @app.get("/metrics")
    def metrics():
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        else:
            from prometheus_client import REGISTRY as registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    return app, api
