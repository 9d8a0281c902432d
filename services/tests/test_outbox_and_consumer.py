"""The outbox relay and the idempotent consumer against the real broker and database.

- Events written through the outbox while the broker is killed and restarted all arrive, each handled
  exactly once, and in order per key.
- A poison message and a message whose handler always fails end in the dead-letter topic with their
  origin and error in headers; the consumer moves on to the next message.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, insert, select

import stack
from glos_chassis.consumer import IdempotentConsumer
from glos_chassis.db import session_scope
from glos_chassis.events import new_event
from glos_chassis.kafka_io import encode_envelope, make_consumer, make_producer
from glos_chassis.outbox import OutboxRelay, add_to_outbox
from glos_testing import wait_until

TOPIC = "glos.tests.events"
DEAD_LETTERS = "glos-tests.dlt"


def recording_handler(received):
    def handle(session, event):
        session.execute(insert(received).values(
            event_id=event.id, run=event.data["run"], subject=event.subject, position=event.data["position"]))
    return handle


def write_events(sessions, outbox, run: str, subjects: list[str], positions: range) -> list[str]:
    """One transaction per position: each subject's event at that position, like real service writes."""
    ids = []
    for position in positions:
        with session_scope(sessions) as session:
            for subject in subjects:
                event = new_event("test.recorded", subject, {"run": run, "position": position}, source="tests")
                add_to_outbox(session, outbox, TOPIC, event)
                ids.append(event.id)
    return ids


@pytest.fixture
def group_consumer(bootstrap_servers, chassis_sessions, tables):
    """A fresh consumer group per test, so earlier runs' messages are not in the way."""
    made = []

    def make(handlers, group=None, batch_handler=None):
        group = group or f"glos-tests.{uuid.uuid4().hex[:8]}"
        kafka_consumer = make_consumer(bootstrap_servers, group, [TOPIC])
        producer = make_producer(bootstrap_servers, client_id=f"{group}-dlt")
        made.append((kafka_consumer, producer))
        return IdempotentConsumer(kafka_consumer, producer, chassis_sessions, tables.processed, group, handlers,
                                  retry_backoff_s=0.05, dead_letters=DEAD_LETTERS, batch_handler=batch_handler)

    yield make
    for kafka_consumer, producer in made:
        kafka_consumer.close()
        producer.close(timeout=5)


def test_outbox_events_survive_a_broker_kill_and_restart_exactly_once_in_order(
        test_stack, chassis_engine, chassis_sessions, bootstrap_servers, group_consumer, tables):
    run = uuid.uuid4().hex
    subjects = [f"{run[:6]}-subject-{i}" for i in range(8)]
    relay_producer = make_producer(bootstrap_servers, client_id="test-relay", delivery_timeout_ms=20000,
                                   request_timeout_ms=5000)
    relay = OutboxRelay(chassis_engine, tables.outbox, relay_producer, batch_size=50, send_timeout_s=25)
    consumer = group_consumer({"test.recorded": recording_handler(tables.received)})
    stop = threading.Event()
    threads = [threading.Thread(target=relay.run, args=(stop,), daemon=True),
               threading.Thread(target=consumer.run, args=(stop,), daemon=True)]
    for t in threads:
        t.start()
    received = tables.received

    def count_received():
        with chassis_engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(received).where(received.c.run == run)).scalar()

    try:
        expected = write_events(chassis_sessions, tables.outbox, run, subjects, range(0, 15))
        wait_until(lambda: count_received() >= 40, timeout=60, message="the first events to arrive")

        # kill -9 the only broker while events keep being written, then bring it back
        assert stack.stop_kafka_node(test_stack, 1, kill=True)
        expected += write_events(chassis_sessions, tables.outbox, run, subjects, range(15, 30))
        stack.start_kafka_node(test_stack, 1)
        stack.wait_for_kafka(test_stack, 1)
        expected += write_events(chassis_sessions, tables.outbox, run, subjects, range(30, 40))

        wait_until(lambda: count_received() >= len(expected), timeout=180,
                   message=f"all {len(expected)} events to be handled after the broker restart")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        relay_producer.close(timeout=5)

    with chassis_engine.connect() as conn:
        rows = conn.execute(select(received.c.event_id, received.c.subject, received.c.position)
                            .where(received.c.run == run).order_by(received.c.seq_no)).all()
        unsent = conn.execute(select(func.count()).select_from(tables.outbox)
                              .where(tables.outbox.c.sent_at.is_(None))).scalar()
    handled_ids = [r.event_id for r in rows]
    assert len(handled_ids) == len(set(handled_ids)), "an event was handled twice"
    assert set(handled_ids) == set(expected), "an event was lost"
    assert unsent == 0
    for subject in subjects:
        positions = [r.position for r in rows if r.subject == subject]
        assert positions == sorted(positions) == list(range(40)), f"{subject} handled out of order"


def test_poison_and_failing_messages_go_to_the_dead_letter_topic_and_the_consumer_moves_on(
        chassis_engine, bootstrap_servers, group_consumer, tables):
    run = uuid.uuid4().hex
    key = f"dlt-{run}".encode()
    producer = make_producer(bootstrap_servers, client_id="test-producer")
    poison = producer.send(TOPIC, key=key, value=b"\x00\x01 definitely not json").get(timeout=30)
    failing_event = new_event("test.always_fails", key.decode(), {"run": run}, source="tests")
    failing = producer.send(TOPIC, key=key, value=encode_envelope(failing_event)).get(timeout=30)
    good_event = new_event("test.recorded", key.decode(), {"run": run, "position": 0}, source="tests")
    producer.send(TOPIC, key=key, value=encode_envelope(good_event)).get(timeout=30)
    producer.close(timeout=5)

    attempts = []

    def always_fails(session, event):
        attempts.append(event.id)
        raise RuntimeError("the handler cannot cope with this event")

    consumer = group_consumer({"test.recorded": recording_handler(tables.received), "test.always_fails": always_fails})
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    received = tables.received
    try:
        def good_one_handled():
            with chassis_engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(received)
                                    .where(received.c.run == run)).scalar() == 1

        wait_until(good_one_handled, timeout=60, message="the good message after the bad ones to be handled")
    finally:
        stop.set()
        thread.join(timeout=30)
    # (the topic also holds earlier runs' messages, which a fresh group reads too: count only ours)
    assert [a for a in attempts if a == failing_event.id] == [failing_event.id] * 3  # retried, then given up

    dead = _read_dead_letters(bootstrap_servers, key)
    by_offset = {int(h["dlt.original.offset"]): (value, h) for value, h in dead
                 if h["dlt.original.topic"] == TOPIC and int(h["dlt.original.partition"]) == poison.partition}
    poison_value, poison_headers = by_offset[poison.offset]
    assert poison_value == b"\x00\x01 definitely not json"
    assert poison_headers["dlt.error"].startswith("PoisonMessage")
    assert poison_headers["dlt.attempts"] == "1"
    failing_value, failing_headers = by_offset[failing.offset]
    assert failing_headers["dlt.error"] == "RuntimeError: the handler cannot cope with this event"
    assert failing_headers["dlt.attempts"] == "3"
    assert failing_value == encode_envelope(failing_event)


def _read_dead_letters(bootstrap_servers: str, key: bytes) -> list[tuple[bytes, dict]]:
    reader = KafkaConsumer(bootstrap_servers=bootstrap_servers.split(","), enable_auto_commit=False,
                           auto_offset_reset="earliest", consumer_timeout_ms=3000)
    partitions = [TopicPartition(DEAD_LETTERS, p) for p in reader.partitions_for_topic(DEAD_LETTERS)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    found = []
    for message in reader:
        if message.key == key:
            found.append((message.value, {k: v.decode() for k, v in message.headers}))
    reader.close()
    return found



def test_a_batch_consumer_handles_each_event_once_in_order_and_falls_back_one_by_one(
        chassis_engine, chassis_sessions, bootstrap_servers, group_consumer, tables):
    """A whole poll in one transaction; a batch that fails (one bad event in it) is redone one by one, so the
    good events are still handled exactly once and the bad one ends in the dead-letter topic."""
    run = uuid.uuid4().hex
    key = f"batch-{run}"
    producer = make_producer(bootstrap_servers, client_id="test-producer")
    events = [new_event("test.recorded", key, {"run": run, "position": i}, source="tests") for i in range(30)]
    bad = new_event("test.recorded", key, {"run": run, "position": "not a number"}, source="tests")
    for event in events[:10] + [events[3], bad] + events[10:]:  # events[3] twice: a redelivery
        producer.send(TOPIC, key=key.encode(), value=encode_envelope(event)).get(timeout=30)
    producer.close(timeout=5)
    batches = []

    def in_batch(session, batch):
        batches.append(len(batch))
        for event in batch:
            recording_handler(tables.received)(session, event)

    consumer = group_consumer({"test.recorded": recording_handler(tables.received)}, batch_handler=in_batch)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    received = tables.received
    try:
        def all_good_handled():
            with chassis_engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(received)
                                    .where(received.c.run == run)).scalar() == 30

        wait_until(all_good_handled, timeout=60, message="the 30 good events")
    finally:
        stop.set()
        thread.join(timeout=30)
    with chassis_engine.connect() as conn:
        positions = [r.position for r in conn.execute(select(received.c.position).where(received.c.run == run)
                                                      .order_by(received.c.seq_no))]
    assert positions == list(range(30))  # each once, in log order
    assert any(n > 1 for n in batches)  # whole polls went through the batch handler
    dead = [h for value, h in _read_dead_letters(bootstrap_servers, key.encode()) if value == encode_envelope(bad)]
    assert dead and dead[0]["dlt.attempts"] == "3"
