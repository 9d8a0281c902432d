"""Transactional outbox: an event is written in the same transaction as the change it announces.

A service calls `add_to_outbox(session, topic, envelope)` inside its unit of
work; if the change commits, so does the event, and if it rolls back, no
event exists. The relay (`OutboxRelay`, run by the service's worker) then
publishes unsent rows in id order with the durable producer, waits for the
broker's acknowledgement and only then marks them sent. Whatever failed stays
unsent and is sent again on the next pass, so nothing is lost; a re-send can
duplicate a record in Kafka, which consumers absorb by event id.

Order per key: one relay per database publishes at a time (a PostgreSQL
advisory lock), rows go out in id order, and after a failure only the rows
before the first failed one are marked sent.
"""

from __future__ import annotations

import logging
import time
import zlib
from datetime import UTC, datetime

from kafka.errors import KafkaError
from sqlalchemy import (BigInteger, Column, DateTime, Engine, Index, Integer, MetaData, String, Table, Text,
                        func, insert, select, text, update)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

from . import metrics
from .events import Envelope, serialize
from .kafka_io import encode_payload, payload_headers

log = logging.getLogger(__name__)


def define_outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL")),
    )


def add_to_outbox(session: Session, outbox: Table, topic: str, envelope: Envelope) -> None:
    session.execute(insert(outbox).values(
        event_id=envelope.id, topic=topic, key=envelope.subject, event_type=envelope.type,
        payload=serialize(envelope)))


class OutboxRelay:
    def __init__(self, engine: Engine, outbox: Table, producer, *, batch_size: int = 200,
                 send_timeout_s: float = 30.0, service: str = "glos"):
        self.service = service
        self.engine = engine
        self.outbox = outbox
        self.producer = producer
        self.batch_size = batch_size
        self.send_timeout_s = send_timeout_s
        # One lock id per outbox table name and database.
        self.lock_id = zlib.crc32(f"glos-outbox:{outbox.name}".encode())

    def publish_pending(self) -> int:
        """Publish one batch of unsent events; returns how many were marked sent."""
        with self.engine.begin() as conn:
            if not conn.execute(select(func.pg_try_advisory_xact_lock(self.lock_id))).scalar():
                return 0  # another relay of this service is publishing
            rows = conn.execute(
                select(self.outbox.c.id, self.outbox.c.topic, self.outbox.c.key, self.outbox.c.payload)
                .where(self.outbox.c.sent_at.is_(None)).order_by(self.outbox.c.id).limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            futures = []
            for row in rows:
                futures.append((row.id, self.producer.send(
                    row.topic, key=row.key.encode(), value=encode_payload(row.payload),
                    headers=payload_headers(row.payload))))
            sent_ids, error = [], None
            for row_id, future in futures:
                try:
                    future.get(timeout=self.send_timeout_s)
                except (KafkaError, TimeoutError) as exc:
                    error = f"{type(exc).__name__}: {exc}"[:500]
                    break
                sent_ids.append(row_id)
            now = datetime.now(UTC)
            if sent_ids:
                conn.execute(update(self.outbox).where(self.outbox.c.id.in_(sent_ids))
                             .values(sent_at=now, attempts=self.outbox.c.attempts + 1))
            if error:
                failed = [row_id for row_id, _ in futures if row_id not in set(sent_ids)]
                conn.execute(update(self.outbox).where(self.outbox.c.id.in_(failed))
                             .values(attempts=self.outbox.c.attempts + 1, last_error=error))
                log.warning("outbox relay: %d event(s) not acknowledged, will re-send: %s", len(failed), error)
            return len(sent_ids)

    def report_pending(self) -> int:
        """How many events wait to be published (the outbox backlog an alert watches)."""
        with self.engine.connect() as conn:
            pending = conn.execute(select(func.count()).select_from(self.outbox)
                                   .where(self.outbox.c.sent_at.is_(None))).scalar_one()
        metrics.OUTBOX_PENDING.labels(self.service).set(pending)
        return pending

    def run(self, stop, idle_sleep_s: float = 0.1, report_every_s: float = 5.0) -> None:
        """Loop until `stop` (a threading.Event) is set."""
        backoff = idle_sleep_s
        reported_at = 0.0
        while not stop.is_set():
            try:
                published = self.publish_pending()
                if time.monotonic() - reported_at >= report_every_s:
                    reported_at = time.monotonic()
                    self.report_pending()
                backoff = idle_sleep_s
            except Exception:  # database or broker away: keep the worker alive and try again
                log.exception("outbox relay pass failed")
                published = 0
                backoff = min(backoff * 2, 5.0)
            if published == 0:
                stop.wait(backoff)
