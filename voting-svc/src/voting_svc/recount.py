"""Recount by replay: read the Kafka vote log from the beginning into an empty, in-memory tally and compare
it with the tally in the database. The vote log is the source of truth; both must agree exactly.

    voting-svc recount EDITION_ID
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import standing
from .models import ProjectTally, Vote
from .voting import VOTE_LOG


def replay(bootstrap_servers: str, edition_id: uuid.UUID, rules: dict,
           closed_at: datetime | None) -> tuple[int, Counter]:
    """(ballots counted, points per (area, project)) from the whole log, each voter key's later ballots
    decided by `standing.decide` as in the tally (a voter's ballots share a key, hence a partition, hence an
    order)."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap_servers.split(","), enable_auto_commit=False,
                           group_id=None, consumer_timeout_ms=3000)
    partitions = [TopicPartition(VOTE_LOG, p) for p in reader.partitions_for_topic(VOTE_LOG)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    end = reader.end_offsets(partitions)
    standings: dict[str, tuple[standing.Standing, list, str]] = {}
    remaining = {tp for tp in partitions if end[tp] > 0}
    while remaining:
        for tp, messages in reader.poll(timeout_ms=1000).items():
            for message in messages:
                if message.offset >= end[tp]:
                    continue
                data = json.loads(message.value)["data"]
                if data["edition_id"] == str(edition_id):
                    _apply(standings, data, rules, closed_at)
                if message.offset + 1 >= end[tp]:
                    remaining.discard(tp)
    reader.close()
    points: Counter = Counter()
    for state, parts, _ in standings.values():
        if state.status == "counted":
            for part in parts:
                for choice in part["choices"]:
                    points[(part["area_id"], choice["project_id"])] += choice["points"]
    return sum(state.status == "counted" for state, _, _ in standings.values()), points


def _apply(standings: dict, data: dict, rules: dict, closed_at: datetime | None) -> None:
    current = standings.get(data["voter_key"])
    if current is not None and current[2] == data["receipt"]:
        return  # this very ballot again
    outcome = standing.decide(current and current[0], data["channel"], rules,
                              cast_at=datetime.fromisoformat(data["cast_at"]), closed_at=closed_at)
    if outcome in (standing.COUNT, standing.REPLACE):
        standings[data["voter_key"]] = (standing.Standing("counted", data["channel"]), data["parts"],
                                         data["receipt"])
    elif outcome == standing.VOID_ALL:
        standings[data["voter_key"]] = (standing.Standing("invalid", current[0].channel), [], current[2])


def database_tally(session: Session, edition_id: uuid.UUID) -> tuple[int, Counter]:
    ballots = session.query(Vote).filter(Vote.edition_id == edition_id, Vote.status == "counted").count()
    points = Counter({(str(t.area_id), str(t.project_id)): t.points
                      for t in session.scalars(select(ProjectTally).where(ProjectTally.edition_id == edition_id))
                      if t.points})
    return ballots, points
