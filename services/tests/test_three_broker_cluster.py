"""The stack's three-broker mode (for fault tests): replication 3, min.insync.replicas 2, and a kill -9 of one
broker loses no acknowledged write. Runs its own cluster on the `fault` profile's ports, beside the test stack."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType

import stack
from glos_chassis.kafka_io import make_producer

FAULT = stack.PROFILES["fault"]
TOPIC = "voting.votes"


@pytest.fixture(scope="module")
def cluster(fault_profile):
    try:
        stack.start_kafka(FAULT, brokers=3)
        stack.create_topics(FAULT, brokers=3)
    except stack.StackError as exc:
        pytest.fail(f"the three-broker cluster did not start: {exc}", pytrace=False)
    yield FAULT.bootstrap_servers(3)
    stack.stop_kafka(FAULT)


def test_the_vote_log_is_replicated_three_times_with_two_in_sync_required(cluster):
    admin = KafkaAdminClient(bootstrap_servers=cluster.split(","))
    try:
        assert len(admin.describe_cluster()["brokers"]) == 3
        (topic,) = admin.describe_topics([TOPIC])
        assert len(topic["partitions"]) == 12
        assert all(len(p["replica_nodes"]) == 3 for p in topic["partitions"])
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, TOPIC)])["topic"][TOPIC]
        assert configs["min.insync.replicas"]["value"] == "2"
        assert configs["unclean.leader.election.enable"]["value"] == "false"
        assert configs["retention.ms"]["value"] == "-1"
    finally:
        admin.close()


def test_killing_one_broker_loses_no_acknowledged_write(cluster):
    run = uuid.uuid4().hex.encode()
    producer = make_producer(cluster, client_id="fault-test")
    acknowledged = []
    for i in range(300):
        if i == 100:
            assert stack.stop_kafka_node(FAULT, 2, kill=True)
        record = producer.send(TOPIC, key=f"voter-{i}".encode(), value=run + b":" + str(i).encode())
        acknowledged.append(record.get(timeout=60))  # acks=all: on at least two replicas when this returns
    producer.close(timeout=10)
    stack.start_kafka_node(FAULT, 2)
    stack.wait_for_kafka(FAULT, 3)

    reader = KafkaConsumer(bootstrap_servers=cluster.split(","), enable_auto_commit=False,
                           auto_offset_reset="earliest", consumer_timeout_ms=5000)
    partitions = [TopicPartition(TOPIC, p) for p in reader.partitions_for_topic(TOPIC)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    seen = {m.value for m in reader if m.value.startswith(run + b":")}
    reader.close()
    assert seen == {run + b":" + str(i).encode() for i in range(300)}
    assert len(acknowledged) == 300
