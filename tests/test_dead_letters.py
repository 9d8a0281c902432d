"""Every service's consumer group dead-letters what it cannot handle into its own `<group>.dlt` (issue 14, 12):
a message that is not an event reaches the group's dead-letter topic with its origin in the headers; a worker
whose dead-letter topic is missing creates it before it consumes anything."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

import stack
from glos_testing import wait_until

pytestmark = pytest.mark.platform

# (topic a service consumes, the group that consumes it): one per service that runs consumers
GROUPS = [("identity.events", "proposals-svc.projections"), ("identity.events", "consultation-svc.projections"),
          ("proposals.events", "voting-svc.projections")]


def _servers(platform) -> list[str]:
    return platform.bootstrap_servers(stack.kafka_brokers(platform)).split(",")


def _dead_lettered(platform, group: str, value: bytes) -> dict | None:
    reader = KafkaConsumer(bootstrap_servers=_servers(platform), group_id=None, enable_auto_commit=False,
                           consumer_timeout_ms=2000)
    try:
        partition = TopicPartition(f"{group}.dlt", 0)
        reader.assign([partition])
        reader.seek_to_beginning(partition)
        for message in reader:
            if message.value == value:
                return {k: v.decode() for k, v in message.headers}
        return None
    finally:
        reader.close()


def _poison(platform, topic: str) -> bytes:
    value = f"to nie jest zdarzenie {uuid.uuid4().hex}".encode()
    producer = KafkaProducer(bootstrap_servers=_servers(platform), acks="all")
    try:
        producer.send(topic, key=b"poison", value=value).get(timeout=30)
    finally:
        producer.close()
    return value


@pytest.mark.parametrize("topic, group", GROUPS, ids=[g for _, g in GROUPS])
def test_a_message_no_handler_can_read_ends_in_the_group_s_dead_letter_topic(platform, topic, group):
    value = _poison(platform, topic)
    headers = wait_until(lambda: _dead_lettered(platform, group, value), timeout=60,
                         message=f"the poison message in {group}.dlt")
    assert headers["dlt.original.topic"] == topic
    assert headers["dlt.consumer.group"] == group and headers["dlt.error"].startswith("PoisonMessage")


def test_every_group_a_worker_runs_has_its_dead_letter_topic(platform):
    admin = KafkaAdminClient(bootstrap_servers=_servers(platform))
    try:
        topics = set(admin.list_topics())
    finally:
        admin.close()
    for group in [g for _, g in GROUPS] + ["voting-svc.tally"]:
        assert f"{group}.dlt" in topics


def test_a_worker_creates_its_missing_dead_letter_topic_before_consuming(platform):
    group = "consultation-svc.projections"
    admin = KafkaAdminClient(bootstrap_servers=_servers(platform))
    try:
        stack.stop_worker(platform, "consultation")
        admin.delete_topics([f"{group}.dlt"], timeout_ms=30000)
        wait_until(lambda: f"{group}.dlt" not in admin.list_topics(), timeout=30, message="the topic deleted")
        stack.start_worker(platform, "consultation")
        wait_until(lambda: f"{group}.dlt" in admin.list_topics(), timeout=60, message="the worker to create it")
    finally:
        admin.close()
    value = _poison(platform, "identity.events")
    assert wait_until(lambda: _dead_lettered(platform, group, value), timeout=60, message="dead-lettered again")
