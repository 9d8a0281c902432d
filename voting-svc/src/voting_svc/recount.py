"""Recount by replay: read the Kafka vote log from the beginning into an empty, in-memory tally and compare
it with the tally in the database — and check every receipt the vote path handed out. The vote log is the
source of truth; all three must agree exactly.

    voting-svc recount EDITION_ID

A receipt handed out (a claim acknowledged in `vote_claims`, and under re-voting each ballot it replaced)
must be in the log, and its ballot must count there — or, under re-voting, have been replaced by a later
acknowledged ballot of the same voter; or, under `all_invalid`, have been voided by a ballot in the other
channel — and the database's record of it must say the same.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.kafka_io import connection

from . import standing
from .models import BallotRecord, ProjectTally, Vote, VoteClaim
from .voting import VOTE_LOG


@dataclass
class Replay:
    """What the vote log says: each voter's standing, and what became of each ballot (by receipt)."""

    standings: dict = field(default_factory=dict)  # voter key → (Standing, parts, receipt)
    statuses: dict = field(default_factory=dict)  # receipt → counted | superseded | not_counted | invalid | late

    @property
    def ballots(self) -> int:
        return sum(state.status == "counted" for state, _, _ in self.standings.values())

    @property
    def points(self) -> Counter:
        points: Counter = Counter()
        for state, parts, _ in self.standings.values():
            if state.status == "counted":
                for part in parts:
                    for choice in part["choices"]:
                        points[(part["area_id"], choice["project_id"])] += choice["points"]
        return points


def replay(bootstrap_servers: str, edition_id: uuid.UUID, rules: dict, closed_at: datetime | None) -> Replay:
    """The whole log, each voter key's later ballots decided by `standing.decide` as in the tally (a voter's
    ballots share a key, hence a partition, hence an order)."""
    reader = KafkaConsumer(**connection(bootstrap_servers), enable_auto_commit=False,
                           group_id=None, consumer_timeout_ms=3000)
    partitions = [TopicPartition(VOTE_LOG, p) for p in reader.partitions_for_topic(VOTE_LOG)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    end = reader.end_offsets(partitions)
    result = Replay()
    remaining = {tp for tp in partitions if end[tp] > 0}
    while remaining:
        for tp, messages in reader.poll(timeout_ms=1000).items():
            for message in messages:
                if message.offset >= end[tp]:
                    continue
                data = json.loads(message.value)["data"]
                if data["edition_id"] == str(edition_id):
                    _apply(result, data, rules, closed_at)
                if message.offset + 1 >= end[tp]:
                    remaining.discard(tp)
    reader.close()
    return result


def _apply(result: Replay, data: dict, rules: dict, closed_at: datetime | None) -> None:
    voter, receipt = data["voter_key"], data["receipt"]
    current = result.standings.get(voter)
    if receipt in result.statuses:
        return  # this very ballot again (a re-send appends the same receipt)
    outcome = standing.decide(current and current[0], data["channel"], rules,
                              cast_at=datetime.fromisoformat(data["cast_at"]), closed_at=closed_at)
    if outcome in (standing.COUNT, standing.REPLACE):
        if current is not None:
            result.statuses[current[2]] = "superseded"
        result.standings[voter] = (standing.Standing("counted", data["channel"]), data["parts"], receipt)
        result.statuses[receipt] = "counted"
    elif outcome == standing.VOID_ALL:
        result.statuses[current[2]] = "invalid"
        result.standings[voter] = (standing.Standing("invalid", current[0].channel), [], current[2])
        result.statuses[receipt] = "invalid"
    else:
        result.statuses[receipt] = {standing.NOT_COUNTED: "not_counted", standing.INVALID: "invalid",
                                    standing.LATE: "late"}[outcome]


def database_tally(session: Session, edition_id: uuid.UUID) -> tuple[int, Counter]:
    ballots = session.query(Vote).filter(Vote.edition_id == edition_id, Vote.status == "counted").count()
    points = Counter({(str(t.area_id), str(t.project_id)): t.points
                      for t in session.scalars(select(ProjectTally).where(ProjectTally.edition_id == edition_id))
                      if t.points})
    return ballots, points


def check_receipts(session: Session, edition_id: uuid.UUID, log: Replay) -> tuple[int, int, list[str]]:
    """(receipts handed out, claims still pending, a line for every receipt that is not as it must be)."""
    recorded = dict(session.execute(select(BallotRecord.receipt, BallotRecord.status)
                                    .where(BallotRecord.edition_id == edition_id)).all())
    problems, handed_out, pending = [], 0, 0
    for claim in session.scalars(select(VoteClaim).where(VoteClaim.edition_id == edition_id)):
        if claim.state == "pending":
            pending += 1  # not (yet) answered: settled from the log by the next vote or the worker's sweep
            receipts = []
        else:
            receipts = [(claim.receipt, "voided" if claim.state == "voided" else "head")]
        receipts += [(earlier["receipt"], "replaced") for earlier in (claim.earlier or {}).values()]
        if claim.previous:
            receipts.append((claim.previous["receipt"], "head"))  # still counts until its re-vote is settled
        for receipt, role in receipts:
            handed_out += 1
            in_log = log.statuses.get(receipt)
            allowed = {"head": {"counted"}, "replaced": {"superseded"}, "voided": {"invalid"}}[role]
            if role == "head" and claim.previous and receipt == claim.previous["receipt"]:
                allowed = {"counted", "superseded"}
            if in_log is None:
                problems.append(f"receipt {receipt}: handed out, not in the vote log")
            elif in_log not in allowed:
                problems.append(f"receipt {receipt}: handed out, but the vote log makes it {in_log}")
            elif recorded.get(receipt) != in_log:
                problems.append(f"receipt {receipt}: the vote log makes it {in_log}, the database "
                                f"{recorded.get(receipt) or 'has no record of it'}")
    return handed_out, pending, problems
