"""The consumer loop's guard against kafka-python losing its group membership unnoticed (consumer.py,
`_rejoin_with_a_new_consumer`): a consumer whose polls all return at once without records is closed and
replaced; one that waits out its polls, or returns at once because it has records, is kept. The Kafka
consumers here are stand-ins: what is under test is the loop's decision, not Kafka."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from kafka.errors import KafkaConnectionError
from kafka.structs import TopicPartition

from glos_chassis import consumer as consumer_module
from glos_chassis.consumer import IdempotentConsumer
from glos_chassis.events import new_event
from glos_chassis.kafka_io import encode_envelope


class StandIn:
    """A KafkaConsumer as the loop uses it. `mode`: 'lost' spins through the poll's timeout and answers nothing
    (kafka-python's state once fenced), 'lost-fast' answers every poll at once with nothing, 'idle' waits out
    the poll's timeout, 'busy' answers at once with a message each time."""

    def __init__(self, mode: str):
        self.mode, self.polls, self.closed, self.commits = mode, 0, False, 0

    def poll(self, timeout_ms):
        self.polls += 1
        if self.mode == "idle":
            time.sleep(timeout_ms / 1000)
            return {}
        if self.mode == "lost":
            deadline = time.monotonic() + timeout_ms / 1000
            while time.monotonic() < deadline:
                pass
            return {}
        if self.mode == "busy":
            event = new_event("something.else", "subject", source="test", data={})
            message = SimpleNamespace(topic="t", partition=0, offset=self.polls, key=b"subject",
                                      value=encode_envelope(event), headers=[])
            return {TopicPartition("t", 0): [message]}
        return {}

    def assignment(self):
        return set()

    def commit(self, offsets):
        self.commits += 1

    def close(self, timeout_ms=None):
        self.closed = True


def run_for(consumer: IdempotentConsumer, seconds: float, poll_timeout_ms: int = 100) -> None:
    """The consumer's loop in a thread for a while, as the worker runs it; fails if the loop died."""
    stop, died = threading.Event(), []

    def loop_body():
        try:
            consumer.run(stop, poll_timeout_ms)
        except BaseException as exc:  # noqa: BLE001 — reported below
            died.append(exc)

    loop = threading.Thread(target=loop_body)
    loop.start()
    time.sleep(seconds)
    stop.set()
    loop.join(timeout=5)
    assert not loop.is_alive() and not died, died


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(consumer_module, "SPIN_LIMIT_S", 0.3)


def make(first: StandIn, replacements: list) -> IdempotentConsumer:
    """`replacements`: what each call for a new consumer gives — a stand-in, or an exception it raises."""
    made = iter(replacements)

    def reconnect():
        replacement = next(made)
        if isinstance(replacement, Exception):
            raise replacement
        return replacement

    return IdempotentConsumer(first, producer=None, session_factory=None, processed=None, group_id="test.group",
                              handlers={}, reconnect=reconnect)


@pytest.mark.parametrize("mode", ["lost", "lost-fast"])
def test_a_consumer_whose_polls_spin_without_records_is_replaced(mode):
    lost, fresh = StandIn(mode), StandIn("idle")
    consumer = make(lost, [fresh])
    run_for(consumer, 1.2)
    assert lost.closed and lost.polls >= 3
    assert consumer.consumer is fresh and fresh.polls >= 1 and not fresh.closed


def test_a_replacement_that_cannot_be_made_while_kafka_is_away_is_tried_again():
    lost, fresh = StandIn("lost"), StandIn("idle")
    consumer = make(lost, [KafkaConnectionError("the broker is away"), fresh])
    run_for(consumer, 1.6)
    assert lost.closed and consumer.consumer is fresh and fresh.polls >= 1


@pytest.mark.parametrize("mode", ["idle", "busy"])
def test_a_consumer_that_waits_or_has_records_is_kept(mode):
    kept = StandIn(mode)
    consumer = make(kept, [])  # a replacement asked for would raise StopIteration and fail the loop
    run_for(consumer, 1.0)
    assert consumer.consumer is kept and not kept.closed
    if mode == "busy":
        assert kept.commits == kept.polls or kept.commits == kept.polls - 1  # each message handled and committed
