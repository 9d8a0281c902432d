"""Kafka clients configured the one way the platform uses them.

Producers are durable by construction: `acks=all` with idempotence, so a
send that the broker acknowledged is on every in-sync replica and a retry
never writes a record twice. Values are bytes; callers serialise.
"""

from __future__ import annotations

import json

from kafka import KafkaConsumer, KafkaProducer

from .events import Envelope, serialize


def make_producer(bootstrap_servers: str, client_id: str, **overrides) -> KafkaProducer:
    config = dict(
        bootstrap_servers=bootstrap_servers.split(","),
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
        bootstrap_servers=bootstrap_servers.split(","),
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
