"""Idempotent consumer: each event is handled at most once per consumer group, whatever Kafka redelivers.

For every message, in one database transaction: record the event id in
`processed_events` (a duplicate is skipped there) and run the handler. Only
after that transaction commits is the offset committed. A crash between the
two redelivers the message, and the processed-event row turns it into a no-op.

A message that cannot be handled is retried a few times with backoff; then
it goes to the group's dead-letter topic, with where it came from and why in
headers, and the consumer moves on. A message that is not an envelope at all
(poison) goes there at once: retrying cannot fix it.

Handlers are listed explicitly in a table: event type → function(session, envelope).

A group that must keep up with a heavy topic (voting-svc's tally of the vote log) can also give a batch
handler: then a whole poll is handled in one transaction — the event ids recorded together, the handler
given only the events not seen before, in log order — and the offsets are committed once per poll. If the
batch fails, its messages are handled one by one as above (retries, dead letters), so one bad message
costs throughput, never correctness.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping

from kafka import TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from marshmallow import ValidationError
from sqlalchemy import Column, DateTime, MetaData, PrimaryKeyConstraint, String, Table, func, text
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.orm import Session, sessionmaker

from . import metrics
from .db import session_scope
from .events import Envelope, deserialize
from .logs import request_id_var
from .topics import dead_letter_topic

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
BatchHandler = Callable[[Session, list[Envelope]], None]


def define_processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer_group", String(200), nullable=False),
        Column("event_id", UUID(as_uuid=False), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer_group", "event_id"),
    )


# How long a consumer's polls may spin without records before it is taken for lost and replaced, and the
# share of that time its thread must have been busy for it to count as spinning.
SPIN_LIMIT_S = 5.0
SPIN_CPU_SHARE = 0.1


def _record_processed_statement(processed: Table):
    """A batch's event ids recorded as processed by one statement, the ids as arrays; answers those that were
    not recorded before."""
    return text(f"""
        INSERT INTO {processed.name} (consumer_group, event_id, event_type)
        SELECT :group, u.event_id, u.event_type
        FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[])) AS u(event_id, event_type)
        ON CONFLICT DO NOTHING
        RETURNING event_id""").columns(event_id=processed.c.event_id.type)


class PoisonMessage(Exception):
    """The message is not a valid event envelope; no retry can help."""


class IdempotentConsumer:
    def __init__(self, consumer, producer, session_factory: sessionmaker, processed: Table, group_id: str,
                 handlers: Mapping[str, Handler], *, max_attempts: int = 3, retry_backoff_s: float = 0.2,
                 dead_letters: str | None = None, batch_handler: BatchHandler | None = None,
                 commit_offsets: bool = True, reconnect: Callable[[], object] | None = None):
        self.consumer = consumer
        # makes a new consumer of the same group and topics (see _rejoin_with_a_new_consumer)
        self.reconnect = reconnect
        # False for a replay outside the group (a rebuild from the log): the events handled are recorded in the
        # database as always, and the group's offsets in Kafka are left as they are
        self.commit_offsets = commit_offsets
        self.producer = producer  # used only for the dead-letter topic
        self.session_factory = session_factory
        self.processed = processed
        self.group_id = group_id
        self.handlers = dict(handlers)
        self.max_attempts = max_attempts
        self.retry_backoff_s = retry_backoff_s
        self.dlt = dead_letters or dead_letter_topic(group_id)
        self.batch_handler = batch_handler
        self._lag_reported_at = 0.0
        self._record_processed = _record_processed_statement(processed) if batch_handler else None

    def poll_once(self, timeout_ms: int = 500, stop=None) -> int:
        """Handle one poll's worth of messages; returns how many were looked at."""
        batches = self.consumer.poll(timeout_ms=timeout_ms)
        if self.batch_handler is not None and batches:
            count = self._handle_batch(batches, stop)
        else:
            count = self._handle_one_by_one(batches, stop)
        metrics.EVENTS_HANDLED.labels(self.group_id).inc(count)
        self._report_lag()
        return count

    def _handle_one_by_one(self, batches, stop=None) -> int:
        count = 0
        for tp, messages in batches.items():
            for message in messages:
                if stop is not None and stop.is_set():
                    return count
                self.handle_message(message, stop)
                self._commit(tp, message.offset + 1)
                count += 1
        return count

    def _report_lag(self, every_s: float = 5.0) -> None:
        """The group's lag on this worker's partitions, per topic, from what the last fetches said (no extra
        round trip to the broker)."""
        if self.consumer is None or time.monotonic() - self._lag_reported_at < every_s:
            return
        self._lag_reported_at = time.monotonic()
        lag: dict[str, int] = {}
        try:
            for tp in self.consumer.assignment():
                highwater = self.consumer.highwater(tp)
                if highwater is not None:
                    lag[tp.topic] = lag.get(tp.topic, 0) + max(0, highwater - self.consumer.position(tp))
        except KafkaError as exc:
            log.debug("lag of %s not known now: %s", self.group_id, exc)
            return
        for topic, messages in lag.items():
            metrics.CONSUMER_LAG.labels(self.group_id, topic).set(messages)

    def _handle_batch(self, batches, stop=None) -> int:
        envelopes: list[Envelope] = []
        for messages in batches.values():
            for message in messages:
                try:
                    envelope = self._decode(message)
                except PoisonMessage as exc:
                    log.error("poison message at %s[%d]@%d: %s", message.topic, message.partition, message.offset, exc)
                    self._dead_letter(message, f"PoisonMessage: {exc}", attempts=1)
                    continue
                if envelope.type in self.handlers:
                    envelopes.append(envelope)
        try:
            with session_scope(self.session_factory) as session:
                fresh_ids = set()
                if envelopes:
                    # one statement with the batch's ids as arrays: the server inserts them all in one go, and no
                    # row costs Python its own parameters (executemany cost ~20 µs a row on the tally's path)
                    unique = {e.id: e for e in reversed(envelopes)}.values()
                    fresh_ids = set(session.scalars(self._record_processed, {
                        "group": self.group_id, "ids": [e.id for e in unique], "types": [e.type for e in unique]}))
                fresh, seen = [], set()
                for e in envelopes:
                    if e.id in fresh_ids and e.id not in seen:
                        seen.add(e.id)
                        fresh.append(e)
                if fresh:
                    self.batch_handler(session, fresh)
        except Exception as exc:  # handled one by one instead: retries, then the dead-letter topic
            log.warning("batch of %d events for %s failed, handling them one by one: %s", len(envelopes),
                        self.group_id, f"{type(exc).__name__}: {exc}"[:500])
            for messages in batches.values():
                for message in messages:
                    self.handle_message(message, stop)
        count = 0
        for tp, messages in batches.items():
            self._commit(tp, messages[-1].offset + 1)
            count += len(messages)
        return count

    def _commit(self, tp, next_offset: int) -> None:
        """Commit after the database commit (inside handle_message); offset + 1 is the next to read.

        A failed commit (the broker or the group coordinator is away, a rebalance) is not fatal: the
        message is already recorded as processed, so redelivering it later is harmless.
        """
        if not self.commit_offsets:
            return
        try:
            self.consumer.commit({TopicPartition(tp.topic, tp.partition): OffsetAndMetadata(next_offset, "", -1)})
        except KafkaError as exc:
            log.warning("offset commit for %s[%d] failed, the message may be redelivered: %s", tp.topic,
                        tp.partition, exc)

    def handle_message(self, message, stop=None) -> None:
        try:
            envelope = self._decode(message)
        except PoisonMessage as exc:
            log.error("poison message at %s[%d]@%d: %s", message.topic, message.partition, message.offset, exc)
            self._dead_letter(message, f"PoisonMessage: {exc}", attempts=1)
            return
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return  # a tolerant reader ignores event types it has no use for
        token = request_id_var.set(envelope.correlation_id)
        try:
            last_error = None
            for attempt in range(1, self.max_attempts + 1):
                try:
                    self._handle_once(envelope, handler)
                    return
                except Exception as exc:  # any handler failure is retried, then dead-lettered
                    last_error = f"{type(exc).__name__}: {exc}"[:1000]
                    log.warning("handling %s %s failed (attempt %d/%d): %s", envelope.type, envelope.id, attempt,
                                self.max_attempts, last_error)
                    if stop is not None:
                        stop.wait(self.retry_backoff_s * 2 ** (attempt - 1))
            self._dead_letter(message, last_error or "unknown", attempts=self.max_attempts)
        finally:
            request_id_var.reset(token)

    def _decode(self, message) -> Envelope:
        try:
            payload = json.loads(message.value)
            if not isinstance(payload, dict):
                raise PoisonMessage("the value is JSON but not an object")
            return deserialize(payload)
        except (ValueError, TypeError) as exc:
            raise PoisonMessage(f"not JSON: {exc}") from None
        except ValidationError as exc:
            raise PoisonMessage(f"not an event envelope: {exc.messages}") from None

    def _handle_once(self, envelope: Envelope, handler: Handler) -> None:
        with session_scope(self.session_factory) as session:
            inserted = session.execute(
                insert(self.processed)
                .values(consumer_group=self.group_id, event_id=envelope.id, event_type=envelope.type)
                .on_conflict_do_nothing()
                .returning(self.processed.c.event_id)
            ).first()
            if inserted is None:
                return  # already handled: a redelivery or a duplicate from a relay re-send
            handler(session, envelope)

    def _dead_letter(self, message, error: str, attempts: int) -> None:
        headers = list(message.headers or []) + [
            ("dlt.original.topic", message.topic.encode()),
            ("dlt.original.partition", str(message.partition).encode()),
            ("dlt.original.offset", str(message.offset).encode()),
            ("dlt.consumer.group", self.group_id.encode()),
            ("dlt.attempts", str(attempts).encode()),
            ("dlt.error", error.encode()[:2000]),
        ]
        # Must be acknowledged before the offset moves on, or the message would be lost.
        self.producer.send(self.dlt, key=message.key, value=message.value, headers=headers).get(timeout=30)
        metrics.DEAD_LETTERS.labels(self.group_id).inc()

    def run(self, stop, poll_timeout_ms: int = 500) -> None:
        backoff = 0.1
        # a window of polls that found no records: its start (wall clock, this thread's CPU clock)
        window = (time.monotonic(), time.thread_time())
        while not stop.is_set():
            try:
                if self.consumer is None:  # replaced (below): the new one could not be made yet
                    self.consumer = self.reconnect()
                handled = self.poll_once(timeout_ms=poll_timeout_ms, stop=stop)
                backoff = 0.1
            except KafkaError as exc:  # the broker is away: wait and poll again, nothing was committed
                log.warning("consumer %s: poll failed: %s", self.group_id, exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                handled = 0
            now, cpu = time.monotonic(), time.thread_time()
            if handled:
                window = (now, cpu)
            elif now - window[0] >= SPIN_LIMIT_S:
                # polls that wait for records cost their thread next to no CPU; these kept it busy
                if cpu - window[1] >= SPIN_CPU_SHARE * (now - window[0]):
                    self._rejoin_with_a_new_consumer()
                window = (time.monotonic(), time.thread_time())

    def _rejoin_with_a_new_consumer(self) -> None:
        """kafka-python 3.0.12 can lose its group membership without noticing: a static member that is fenced
        (another consumer joined with its group_instance_id — seen on a worker after a broker restart, and
        reproduced by joining a second consumer under the worker's id) stops heartbeating but keeps its member
        state, and every poll then spins until its timeout: ~90 % of a core, nothing consumed, the group
        Empty on the broker, until the process is restarted. Polls that find no records while keeping their
        thread busy, for SPIN_LIMIT_S on end, are that state: the consumer is closed and a new one joins the
        group (offsets are committed only after the database, so nothing is skipped or handled twice)."""
        metrics.CONSUMER_REJOINS.labels(self.group_id).inc()
        if self.reconnect is None:
            log.error("consumer %s: its polls spin without records; no way to rejoin", self.group_id)
            return
        log.warning("consumer %s: its polls spun without records for %.0f s; rejoining the group with a new "
                    "consumer", self.group_id, SPIN_LIMIT_S)
        old, self.consumer = self.consumer, None  # the loop makes the new one (and retries while Kafka is away)
        try:
            old.close(timeout_ms=2000)
        except Exception as exc:  # a consumer in this state may fail to close cleanly: it is dropped anyway
            log.warning("consumer %s: closing the old consumer failed: %s", self.group_id, type(exc).__name__)
