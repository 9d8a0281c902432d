"""The platform's Kafka topics, created explicitly (auto-creation is off on our brokers).

Each producing service owns one event topic; the vote log is voting-svc's
own and keeps everything (it is the source of truth for a recount). A
consumer group that gives up on a message sends it to `<group>.dlt`.

    python -m glos_chassis.topics create [--replication-factor 3]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

RETAIN_FOREVER = "-1"
THIRTY_DAYS_MS = str(30 * 24 * 3600 * 1000)


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    configs: dict[str, str] = field(default_factory=dict)


# The consumer groups the workers run (each service's handlers.GROUP_ID, voting-svc's tally) and the chassis's
# own tests: their dead-letter topics are created up front. A worker also makes sure of the dead-letter topic of
# every group it actually runs before it starts (`ensure_dead_letter_topics`), so a group added to a service
# without being listed here still has one — the broker does not create topics on its own.
CONSUMER_GROUPS = ("voting-svc.projections", "voting-svc.tally", "proposals-svc.projections", "identity-svc.projections",
                   "identity-svc.notifications", "consultation-svc.projections", "glos-tests")

TOPICS = [
    Topic("identity.events", 6, {"retention.ms": RETAIN_FOREVER}),
    Topic("proposals.events", 6, {"retention.ms": RETAIN_FOREVER}),
    Topic("consultation.events", 6, {"retention.ms": RETAIN_FOREVER}),
    Topic("voting.events", 6, {"retention.ms": RETAIN_FOREVER}),
    # The vote log: the source of truth for the tally. Keyed by voter key.
    Topic("voting.votes", 12, {"retention.ms": RETAIN_FOREVER, "retention.bytes": "-1",
                               "cleanup.policy": "delete"}),
    # Topics owned by the test-suite of the chassis itself.
    Topic("glos.tests.events", 3, {"retention.ms": THIRTY_DAYS_MS}),
    *[Topic(f"{group}.dlt", 1, {"retention.ms": RETAIN_FOREVER}) for group in CONSUMER_GROUPS],
]


def dead_letter_topic(group_id: str) -> str:
    return f"{group_id}.dlt"


def ensure_dead_letter_topics(bootstrap_servers: str, group_ids: list[str]) -> list[str]:
    """Create the missing `<group>.dlt` of each group, replicated like the cluster allows (up to 3 copies,
    min ISR one less); returns the names created. Raises if the broker refuses: a worker whose failed
    messages would have nowhere to go must not start."""
    from kafka import KafkaAdminClient

    from .kafka_io import connection

    admin = KafkaAdminClient(**connection(bootstrap_servers), client_id="glos-dlt-check")
    try:
        missing = sorted({dead_letter_topic(g) for g in group_ids} - set(admin.list_topics()))
        if not missing:
            return []
        replication = min(3, len(admin.describe_cluster()["brokers"]))
        configs = {"retention.ms": RETAIN_FOREVER}
        if replication > 1:
            configs.update({"min.insync.replicas": str(replication - 1), "unclean.leader.election.enable": "false"})
        admin.create_topics({name: {"num_partitions": 1, "replication_factor": replication, "configs": configs}
                             for name in missing}, timeout_ms=30000, wait_for_metadata=True)
        return missing
    finally:
        admin.close()


def create_topics(bootstrap_servers: str, replication_factor: int) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    from kafka import KafkaAdminClient

    from .kafka_io import connection

    admin = KafkaAdminClient(**connection(bootstrap_servers), client_id="glos-topics")
    try:
        existing = set(admin.list_topics())
        wanted = {}
        for topic in TOPICS:
            if topic.name in existing:
                continue
            configs = dict(topic.configs)
            if replication_factor > 1:
                configs.setdefault("min.insync.replicas", str(replication_factor - 1))
                configs.setdefault("unclean.leader.election.enable", "false")
            wanted[topic.name] = {"num_partitions": topic.partitions, "replication_factor": replication_factor,
                                  "configs": configs}
        if wanted:
            admin.create_topics(wanted, timeout_ms=30000, wait_for_metadata=True)
        return sorted(wanted)
    finally:
        admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create the Glos Kafka topics")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create")
    c.add_argument("--bootstrap-servers", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
    c.add_argument("--replication-factor", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.bootstrap_servers:
        print("KAFKA_BOOTSTRAP_SERVERS is not set", file=sys.stderr)
        return 2
    created = create_topics(args.bootstrap_servers, args.replication_factor)
    print(f"topics created: {', '.join(created) if created else 'none (all present)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
