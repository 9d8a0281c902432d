"""Rebuild from the logs: after voting-svc's database was restored from a backup, bring it up to what Kafka holds.

    voting-svc rebuild-tally

Kafka keeps proposals-svc's events and the vote log forever; a restored database is behind them by whatever its
consumers handled after the backup (an edition's published ballot, the ballots cast since). The rebuild reads each
log from the beginning, outside the consumer groups (whose offsets stay as they are), through the groups' own
handlers and their own record of events handled (`processed_events`, restored with the database): first the
projections (the editions and ballots the tally needs), then the vote log. What was handled before the backup is
skipped, what came after is handled, each once, in log order — the database the consumers would have kept. The
running workers may go on meanwhile: they and the rebuild skip each other's events the same way.

Last, the vote path's claims (who has voted, and with which receipt) are brought up to the rebuilt standings: a
voter who voted after the backup gets their claim back, so a second ballot is refused as before and a late
re-send of a ballot (its idempotency key is in the log) still gets its own receipt. Then
`voting-svc recount EDITION_ID` compares the tally and every receipt handed out with the vote log.
"""

from __future__ import annotations

import json
import uuid

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from glos_chassis.canonical import sha256_hex
from glos_chassis.consumer import IdempotentConsumer
from glos_chassis.db import session_scope
from glos_chassis.kafka_io import connection, make_producer
from glos_chassis.worker import BATCH_FETCH

from . import handlers, tally
from .models import BallotRecord, Vote, VoteClaim, processed_events
from .voting import VOTE_LOG


def _replay(bootstrap_servers: str, session_factory, producer, group_id: str, topics: list[str], group_handlers,
            batch_handler=None) -> int:
    reader = KafkaConsumer(**connection(bootstrap_servers), group_id=None, enable_auto_commit=False,
                           **(BATCH_FETCH if batch_handler else {}))
    try:
        partitions = [TopicPartition(topic, p) for topic in topics
                      for p in sorted(reader.partitions_for_topic(topic) or ())]
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        end = reader.end_offsets(partitions)
        replay = IdempotentConsumer(reader, producer, session_factory, processed_events, group_id, group_handlers,
                                    batch_handler=batch_handler, commit_offsets=False)
        read = 0
        while any(reader.position(tp) < end[tp] for tp in partitions):
            read += replay.poll_once(timeout_ms=1000)
        return read
    finally:
        reader.close()


def _logged_ballots(bootstrap_servers: str) -> dict[tuple[uuid.UUID, str], dict[str, dict]]:
    """Every ballot of the vote log, by edition and voter key, then by receipt."""
    reader = KafkaConsumer(**connection(bootstrap_servers), group_id=None, enable_auto_commit=False, **BATCH_FETCH)
    ballots: dict[tuple[uuid.UUID, str], dict[str, dict]] = {}
    try:
        partitions = [TopicPartition(VOTE_LOG, p) for p in sorted(reader.partitions_for_topic(VOTE_LOG) or ())]
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        end = reader.end_offsets(partitions)
        while any(reader.position(tp) < end[tp] for tp in partitions):
            for messages in reader.poll(timeout_ms=1000).values():
                for message in messages:
                    try:
                        event = json.loads(message.value)
                        data = event["data"] if event.get("type") == "vote.cast" else None
                    except (ValueError, TypeError, KeyError):
                        continue  # the tally sent it to its dead letters
                    if data:
                        key = (uuid.UUID(data["edition_id"]), data["voter_key"])
                        ballots.setdefault(key, {})[data["receipt"]] = data
    finally:
        reader.close()
    return ballots


def _claims_from_standings(session_factory, ballots: dict) -> int:
    """Each voter's claim as the vote path would have left it for their standing (the rebuilt `votes`): the
    standing ballot accepted (voided under all_invalid), the ballots it replaced by their idempotency keys."""
    changed = 0
    with session_scope(session_factory) as session:
        statuses = dict(session.execute(select(BallotRecord.receipt, BallotRecord.status)).all())
        for vote in session.scalars(select(Vote)):
            logged = ballots.get((vote.edition_id, vote.voter_key), {})
            standing = logged.get(vote.receipt)
            claim = session.get(VoteClaim, (vote.edition_id, vote.voter_key))
            if standing is None or (claim is not None and claim.receipt == vote.receipt and claim.state != "pending"):
                continue
            earlier = dict(claim.earlier or {}) if claim is not None else {}
            for receipt, ballot in logged.items():
                if receipt != vote.receipt and statuses.get(receipt) == "superseded" and ballot.get("idempotency_key"):
                    earlier[ballot["idempotency_key"]] = {"receipt": receipt, "ballot_sha256": sha256_hex(ballot["parts"]),
                                                          "cast_at": ballot["cast_at"], "channel": ballot["channel"]}
            row = {"edition_id": vote.edition_id, "voter_key": vote.voter_key, "receipt": vote.receipt,
                   "idempotency_key": standing.get("idempotency_key"), "ballot_sha256": sha256_hex(standing["parts"]),
                   "channel": standing["channel"], "cast_at": standing["cast_at"],
                   "state": "voided" if vote.status == "invalid" else "accepted", "earlier": earlier, "previous": None}
            statement = insert(VoteClaim.__table__).values(**row)
            session.execute(statement.on_conflict_do_update(
                index_elements=["edition_id", "voter_key"],
                set_={k: statement.excluded[k] for k in row if k not in ("edition_id", "voter_key")}))
            changed += 1
    return changed


def rebuild(bootstrap_servers: str, session_factory) -> dict[str, int]:
    """Returns how many messages of each group's logs were read, and how many vote claims were brought up."""
    producer = make_producer(bootstrap_servers, client_id="voting-svc-rebuild")  # dead letters, as the groups'
    try:
        read = {
            handlers.GROUP_ID: _replay(bootstrap_servers, session_factory, producer, handlers.GROUP_ID,
                                       handlers.TOPICS, handlers.HANDLERS),
            tally.GROUP_ID: _replay(bootstrap_servers, session_factory, producer, tally.GROUP_ID, tally.TOPICS,
                                    tally.HANDLERS, batch_handler=tally.on_votes_cast),
        }
    finally:
        producer.close(timeout=10)
    return {**read, "vote claims brought up to the log": _claims_from_standings(session_factory,
                                                                                   _logged_ballots(bootstrap_servers))}
