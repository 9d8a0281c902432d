"""The vote path (DESIGN §3): credential → ballot checked against the frozen rules → one ballot per voter
key → appended to the Kafka vote log, acknowledged by all in-sync replicas → receipt.

One ballot per voter key is enforced twice: at once in Redis (SET NX, shared by every replica, so identical
requests arriving together get one acceptance), and durably by the tally's primary key (edition, voter key)
— the vote log is the source of truth, and replaying it counts each voter key once.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import UTC, datetime

from kafka.errors import KafkaError

from glos_chassis.errors import Problem
from glos_chassis.events import new_event
from glos_chassis.events import serialize
from glos_chassis.kafka_io import encode_payload, make_producer, payload_headers

from .ballots import validate_ballot
from .credentials import VoterCredential

VOTE_LOG = "voting.votes"
SOURCE = "voting-svc"
PENDING_WAIT_S = 3.0


class VoteLog:
    """The durable producer of one web process, made after gunicorn forks."""

    def __init__(self, bootstrap_servers: str):
        self.bootstrap_servers = bootstrap_servers
        self._producer = None
        self._lock = threading.Lock()

    def append(self, envelope, timeout_s: float = 9.0) -> None:
        with self._lock:
            if self._producer is None:
                # Bounded waits: a voter gets an answer (at worst a 503 to retry) within ~10 s, also while
                # the broker is away — never a request hanging on metadata for a minute. linger 5 ms: the
                # votes of a process's threads share produce requests (less work for the sender thread and
                # the broker; measured 411 -> 481 votes/s at p99 < 100 ms against linger 1 ms).
                self._producer = make_producer(self.bootstrap_servers, client_id="voting-svc-votes", linger_ms=5,
                                               max_block_ms=3000, request_timeout_ms=5000,
                                               delivery_timeout_ms=8000)
            producer = self._producer
        payload = serialize(envelope)
        try:
            producer.send(VOTE_LOG, key=envelope.subject.encode(), value=encode_payload(payload),
                          headers=payload_headers(payload)).get(timeout=timeout_s)
        except Exception:
            self._discard(producer)
            raise

    def _discard(self, producer) -> None:
        """After a failed append the idempotent producer may be stuck (expired batches leave its sequence
        numbers behind the broker's): start afresh with a new producer id for the next vote."""
        with self._lock:
            if self._producer is producer:
                self._producer = None
            else:
                return
        producer.close(timeout=0)


def _key(edition_id, voter_key: str) -> str:
    return f"glos:vote:{edition_id}:{voter_key}"


def closed_key(edition_id) -> str:
    return f"glos:closed:{edition_id}"


_closed_cache: dict[str, tuple[float, bool]] = {}


def is_closed(redis_client, edition_id) -> bool:
    """Whether voting in the edition is closed, asked of Redis at most once a second per process (the hot
    path must not pay a round trip for a fact that changes once per edition; the tally refuses late
    ballots by their time anyway)."""
    now = time.monotonic()
    cached = _closed_cache.get(str(edition_id))
    if cached is None or now - cached[0] > 1.0:
        cached = (now, bool(redis_client.exists(closed_key(edition_id))))
        _closed_cache[str(edition_id)] = cached
    return cached[1]


def _receipt_of(state: dict) -> dict:
    return {k: state[k] for k in ("receipt", "edition_id", "cast_at")}


def cast(redis_client, vote_log: VoteLog, ballot, credential: VoterCredential, parts: list[dict],
         idempotency_key: str, *, cast_at: datetime | None = None, _attempt: int = 0) -> tuple[dict, bool]:
    """Returns (receipt, created). At most one standing ballot per voter key per edition, also under
    concurrent requests; a retry with the same idempotency key gets the same receipt, never a second vote.

    A later ballot of a voter who already voted is refused (409), except where the edition's frozen rules
    say otherwise: re-voting online (the last ballot counts) and, under `paper_and_online: all_invalid`, a
    ballot in the other channel — recorded in the log so that the tally voids all of that person's
    ballots, and answered with a 409 that says so."""
    normalised = validate_ballot(ballot, credential, parts)
    key = _key(credential.edition_id, credential.voter_key)
    receipt = {"receipt": secrets.token_hex(16), "edition_id": str(credential.edition_id),
               "cast_at": (cast_at or datetime.now(UTC)).isoformat()}
    claim = {**receipt, "idem": idempotency_key, "channel": credential.channel}
    if redis_client.set(key, json.dumps({**claim, "state": "pending"}), nx=True, ex=CLAIM_TTL_S):
        _append(vote_log, credential, receipt, normalised, on_failure=lambda: redis_client.delete(key))
        redis_client.set(key, json.dumps({**claim, "state": "accepted"}), xx=True, keepttl=True)
        return receipt, True
    existing = _settled(redis_client, key)
    if existing is None and _attempt < 2:  # the first attempt failed and let go: try again as the first
        return cast(redis_client, vote_log, ballot, credential, parts, idempotency_key, cast_at=cast_at,
                    _attempt=_attempt + 1)
    if existing is None:
        raise Problem(503, "Spróbuj ponownie za chwilę.", "Try again in a moment.", headers={"Retry-After": "1"})
    if existing["state"] == "accepted" and idempotency_key in existing.get("earlier", {}):
        return existing["earlier"][idempotency_key], False  # a late retry of a ballot since replaced
    if existing["idem"] == idempotency_key and existing["state"] == "accepted":
        return _receipt_of(existing), False
    if existing["state"] == "pending":
        raise Problem(409, "Twój głos jest właśnie zapisywany.", "Your vote is being recorded right now.",
                      headers={"Retry-After": "1"}, type_="https://glos.pl/problems/vote-in-progress")
    rules = ballot.rules
    earlier_channel = existing.get("channel", "online")
    if earlier_channel == credential.channel == "online" and rules.get("revoting"):
        _append(vote_log, credential, receipt, normalised)
        earlier = {**existing.get("earlier", {}), existing["idem"]: _receipt_of(existing)}
        redis_client.set(key, json.dumps({**claim, "state": "accepted", "earlier": earlier}), keepttl=True)
        return receipt, True
    if earlier_channel != credential.channel and rules.get("paper_and_online") == "all_invalid":
        _append(vote_log, credential, receipt, normalised)
        redis_client.set(key, json.dumps({**claim, "state": "accepted", "voided": True}), keepttl=True)
        raise Problem(409, "Ta osoba głosowała już w innym kanale (internet/papier). Zgodnie z zasadami edycji "
                           "wszystkie jej głosy są nieważne.",
                      "This person already voted in the other channel (online/paper). Under the edition's rules "
                      "all of their ballots are invalid.", type_="https://glos.pl/problems/voted-in-both-channels")
    raise Problem(409, "W tej edycji oddano już głos z tym poświadczeniem.",
                  "A ballot was already cast with this credential in this edition.",
                  type_="https://glos.pl/problems/already-voted")


CLAIM_TTL_S = 180 * 24 * 3600


def _append(vote_log: VoteLog, credential: VoterCredential, receipt: dict, parts: list[dict],
            on_failure=None) -> None:
    event = new_event("vote.cast", credential.voter_key, source=SOURCE, data={
        **receipt, "voter_key": credential.voter_key, "channel": credential.channel, "parts": parts})
    try:
        vote_log.append(event)
    except (KafkaError, TimeoutError):
        if on_failure is not None:
            on_failure()  # not acknowledged: not cast; the voter may try again
        raise Problem(503, "Nie udało się zapisać głosu. Spróbuj ponownie.", "The vote could not be recorded. "
                      "Try again.", headers={"Retry-After": "2"}) from None


def _settled(redis_client, key: str) -> dict | None:
    """Wait (at most PENDING_WAIT_S) for a concurrent first attempt to be acknowledged or to let go."""
    deadline = time.monotonic() + PENDING_WAIT_S
    while True:
        raw = redis_client.get(key)
        if raw is None:
            return None
        state = json.loads(raw)
        if state["state"] != "pending" or time.monotonic() > deadline:
            return state
        time.sleep(0.02)
