"""Recount by replay: read the Kafka vote log from the beginning into an empty, in-memory tally and compare
it with the tally in the database. The vote log is the source of truth; both must agree exactly.

    voting-svc recount EDITION_ID
"""

from __future__ import annotations

import json
import uuid
from collections import Counter

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ProjectTally, Vote
from .voting import VOTE_LOG


def replay(bootstrap_servers: str, edition_id: uuid.UUID) -> tuple[int, Counter]:
    """(ballots counted, points per (area, project)) from the whole log; the first ballot of a voter key
    counts, as in the tally (a voter's ballots share a key, hence a partition, hence an order)."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap_servers.split(","), enable_auto_commit=False,
                           group_id=None, consumer_timeout_ms=3000)
    partitions = [TopicPartition(VOTE_LOG, p) for p in reader.partitions_for_topic(VOTE_LOG)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    end = reader.end_offsets(partitions)
    seen: set[str] = set()
    points: Counter = Counter()
    remaining = {tp for tp in partitions if end[tp] > 0}
    while remaining:
        for tp, messages in reader.poll(timeout_ms=1000).items():
            for message in messages:
                data = json.loads(message.value)["data"]
                if data["edition_id"] == str(edition_id) and data["voter_key"] not in seen:
                    seen.add(data["voter_key"])
                    for part in data["parts"]:
                        for choice in part["choices"]:
                            points[(part["area_id"], choice["project_id"])] += choice["points"]
                if message.offset + 1 >= end[tp]:
                    remaining.discard(tp)
    reader.close()
    return len(seen), points


def database_tally(session: Session, edition_id: uuid.UUID) -> tuple[int, Counter]:
    ballots = session.query(Vote).filter(Vote.edition_id == edition_id).count()
    points = Counter({(str(t.area_id), str(t.project_id)): t.points
                      for t in session.scalars(select(ProjectTally).where(ProjectTally.edition_id == edition_id))})
    return ballots, points
