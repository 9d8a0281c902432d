"""Kafka clients configured the one way the platform uses them.

Producers are durable by construction: `acks=all` with idempotence, so a
send that the broker acknowledged is on every in-sync replica and a retry
never writes a record twice. Values are bytes; callers serialise.

Every client — producers, consumers, admin clients, the vote log's readers — connects through `connection`:
plain TCP on the dev and test stacks; in production (k8s/overlays/production) TLS with the service's own client
certificate, which the Strimzi User Operator issues for its KafkaUser and the cluster's ACLs are written for.
"""

from __future__ import annotations

import json
import os

from kafka import KafkaConsumer, KafkaProducer

from .events import Envelope, serialize


def connection(bootstrap_servers: str) -> dict:
    """Where the brokers are and how to reach them: `KAFKA_SECURITY_PROTOCOL` (PLAINTEXT unless set; SSL in
    production) with `KAFKA_SSL_CAFILE` (the cluster CA), `KAFKA_SSL_CERTFILE` and `KAFKA_SSL_KEYFILE` (the
    service's certificate and key) — kafka-python's own settings of those names."""
    config = {"bootstrap_servers": bootstrap_servers.split(",")}
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").strip() or "PLAINTEXT"
    if protocol != "PLAINTEXT":
        config["security_protocol"] = protocol
        for setting in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            value = os.environ.get(f"KAFKA_{setting.upper()}", "").strip()
            if value:
                config[setting] = value
    return config


def make_producer(bootstrap_servers: str, client_id: str, **overrides) -> KafkaProducer:
    config = dict(
        **connection(bootstrap_servers),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        max_in_flight_requests_per_connection=5,  # the idempotent producer keeps order up to 5
        linger_ms=2,
        delivery_timeout_ms=30000,
        request_timeout_ms=10000,
        # kafka-python's own metrics are computed in Python on every send and nobody reads them (the services
        # export theirs to Prometheus): measured at a few % of a voting-svc process on the vote path
        metrics_enabled=False,
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(bootstrap_servers: str, group_id: str, topics: list[str], **overrides) -> KafkaConsumer:
    config = dict(
        **connection(bootstrap_servers),
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,  # offsets are committed after the database commit
        auto_offset_reset="earliest",
        max_poll_records=200,
        isolation_level="read_committed",
        metrics_enabled=False,
    )
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    consumer.subscribe(topics)
    return consumer


def encode_payload(payload: dict) -> bytes:
    """An envelope as serialised by `events.serialize`, as compact UTF-8 JSON."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def encode_envelope(envelope: Envelope) -> bytes:
    return encode_payload(serialize(envelope))


def payload_headers(payload: dict) -> list[tuple[str, bytes]]:
    """Routing facts in headers so tools can filter without parsing the value."""
    headers = [("event-type", str(payload["type"]).encode()), ("event-id", str(payload["id"]).encode()),
               ("event-version", str(payload["version"]).encode())]
    if payload.get("correlation_id"):
        headers.append(("correlation-id", str(payload["correlation_id"]).encode()))
    return headers
