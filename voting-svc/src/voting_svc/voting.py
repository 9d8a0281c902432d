"""The vote path (DESIGN §3): credential → ballot checked against the frozen rules → one ballot per voter
key → appended to the Kafka vote log, acknowledged by all in-sync replicas → receipt.

A receipt (2xx) means "this ballot counts" — with re-voting, "counts until your later acknowledged ballot
replaces it". What decides that is durable: the claim in PostgreSQL and the vote log in Kafka. Redis plays
no part, so losing, flushing or failing over Redis cannot change an answer (README: "What each store holds").

1. **The claim** — one row per voter key per edition in `vote_claims` (the primary key), inserted before the
   ballot is appended, by one statement that also refuses an edition whose voting is closed. Of identical
   requests arriving together exactly one inserts; the others find its claim.
2. **The append** — the ballot goes to the vote log (key = voter key, acks=all) carrying the claim's receipt;
   the votes whose claims one statement inserted are sent together, at once (_AppendRound).
3. **The acknowledgement** — the claim is marked `accepted`, and only then is the receipt answered.

A claim left `pending` — its web process died, or Kafka did not answer in time (then the ballot may or may
not be in the log) — is never guessed at:
- a re-send with the same Idempotency-Key and the same ballot appends the very same ballot again (same
  receipt, same cast time: the tally and the recount count a receipt once) and gets the receipt at once;
- any other request waits until the claim is ORPHAN_AFTER_S old, longer than an append can take; then the
  vote log itself says whether the ballot is there (the claim is completed) or not (it is released), and the
  request goes on from there. The worker's sweeper settles such claims the same way without waiting for one.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.partitioner.default import murmur2
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from glos_chassis import age_bands
from glos_chassis.canonical import sha256_hex
from glos_chassis.errors import Problem
from glos_chassis.events import new_event, serialize
from glos_chassis.kafka_io import connection, encode_payload, make_producer, payload_headers

from .ballots import validate_ballot
from .credentials import VoterCredential

log = logging.getLogger(__name__)

VOTE_LOG = "voting.votes"
# The vote producer's linger, for ballots that come alone (a re-vote, a re-send, a paper card): the votes of a
# process's threads share produce requests (measured 411 -> 481 votes/s at p99 < 100 ms against linger 1 ms).
VOTE_LINGER_MS = 5
SOURCE = "voting-svc"
# How long a request waits for a concurrent attempt of the same voter to finish before answering 409.
SETTLE_WAIT_S = 3.0
# Longer than any append can take (VoteLog: at most 3 s to get into the producer, then 9 s for the broker),
# so a claim this old whose ballot is not in the log never will be: it can be released.
ORPHAN_AFTER_S = 20.0
# A holder that took this long between its claim and its append (a paused process) does not append any more.
APPEND_BY_S = 6.0
# How long the acknowledgements of a process's votes are gathered before they are written together.
ACK_GATHER_S = 0.02
# How long the first claims of a process's concurrent votes are gathered before one statement inserts them
# (Claims.claim_first), and how many one statement takes at most. The votes of one statement are then sent to
# the vote log together, at once (_AppendRound): this window is the only gathering on a vote's way, so it can
# be wider than the 3 ms it was with the producer's 5 ms linger after it. Measured on a warm test stack (two
# runs each, the round sent at once): 3 ms → 6 ms, 16 connections 552/498 → 612/563 votes/s (the web
# process's CPU per vote 2.27/2.54 → 1.96/1.95 ms), 32 connections 572/544 → 681/597; 10 ms: 533/571, 620/578.
CLAIM_GATHER_S = 0.006
CLAIM_BATCH_MAX = 200
# A vote waits this long for its claim's statement; then it is a 503 (a claim inserted later stays pending
# and is settled from the vote log like any claim whose holder went away).
CLAIM_WAIT_S = 10.0


def _send_now(producer) -> None:
    """The round's ballots are all in the producer: lingering longer gathers no more of them, it only waits
    (the claims' statement did the gathering). kafka-python sends at once what it holds while a flush is in
    progress; the flush then waits for every batch in flight, other partitions' too, so its wait is cut at
    the linger — by then the producer would have sent ours anyway — and what it says of other batches is
    not this vote's answer: that is its own future's."""
    try:
        producer.flush(timeout=VOTE_LINGER_MS / 1000)
    except KafkaError:
        pass


class VoteLog:
    """The durable producer of one web process, made after gunicorn forks; and the log's reader for the rare
    question whether a ballot is in it."""

    def __init__(self, bootstrap_servers: str):
        self.bootstrap_servers = bootstrap_servers
        self._producer = None
        self._lock = threading.Lock()

    def append(self, envelope, timeout_s: float = 9.0, round_: _AppendRound | None = None) -> None:
        """Appends and waits for all in-sync replicas. `round_`: the ballot is one of the votes whose first
        claims one statement inserted — the last of them to reach the producer sends them all at once."""
        with self._lock:
            if self._producer is None:
                # Bounded waits: a voter gets an answer (at worst a 503 to retry) within ~10 s, also while
                # the broker is away — never a request hanging on metadata for a minute.
                self._producer = make_producer(self.bootstrap_servers, client_id="voting-svc-votes",
                                               linger_ms=VOTE_LINGER_MS,
                                               max_block_ms=3000, request_timeout_ms=5000,
                                               delivery_timeout_ms=8000)
            producer = self._producer
        payload = serialize(envelope)
        try:
            sent = producer.send(VOTE_LOG, key=envelope.subject.encode(), value=encode_payload(payload),
                                 headers=payload_headers(payload))
            if round_ is not None and round_.handed_over():
                _send_now(producer)
            sent.get(timeout=timeout_s)
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

    def contains(self, voter_key: str, receipt: str, since: datetime) -> bool:
        """Whether the vote log holds the ballot with this receipt, appended at `since` or later. Reads only
        the voter key's partition (the producer's own murmur2 choice) from that time to its end."""
        reader = KafkaConsumer(**connection(self.bootstrap_servers), group_id=None,
                               enable_auto_commit=False, request_timeout_ms=10000, metrics_enabled=False)
        try:
            partitions = sorted(reader.partitions_for_topic(VOTE_LOG) or ())
            if not partitions:
                raise KafkaError("the vote log's partitions are unknown")
            key = voter_key.encode()
            tp = TopicPartition(VOTE_LOG, partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)])
            reader.assign([tp])
            start = reader.offsets_for_times({tp: int(since.timestamp() * 1000)})[tp]
            end = reader.end_offsets([tp])[tp]
            if start is None or start.offset >= end:
                return False
            reader.seek(tp, start.offset)
            deadline = time.monotonic() + 30
            while reader.position(tp) < end:
                if time.monotonic() > deadline:
                    raise KafkaError("reading the vote log took too long")
                for message in reader.poll(timeout_ms=1000).get(tp, []):
                    if message.key == key and json.loads(message.value)["data"]["receipt"] == receipt:
                        return True
            return False
        finally:
            reader.close()


# --------------------------------------------------------------------------- claims (PostgreSQL)

# The statement every vote makes: the first claims of a process's concurrent votes, inserted together (arrays
# through unnest) by psycopg itself, not through SQLAlchemy. One statement, one commit and one wait for the disk
# for a few votes instead of one each: a lone claim costs the server ~350 µs of CPU at 500 votes/s (a backend
# woken for one row), four together ~100 µs each. Rows of the same voter key in one batch: the first inserts,
# ON CONFLICT skips the others — they find its claim, as two requests in two statements would.
_CLAIM_FIRST = """
    INSERT INTO vote_claims (edition_id, voter_key, receipt, idempotency_key, ballot_sha256, channel, cast_at,
                             state, claimed_at)
    SELECT a.edition_id, a.voter_key, a.receipt, a.idem, a.sha, a.channel, coalesce(a.cast_at, t.now), 'pending',
           t.now
    FROM unnest(CAST(%(edition_id)s AS uuid[]), CAST(%(voter_key)s AS text[]), CAST(%(receipt)s AS text[]),
                CAST(%(idem)s AS text[]), CAST(%(sha)s AS text[]), CAST(%(channel)s AS text[]),
                CAST(%(cast_at)s AS timestamptz[])) AS a(edition_id, voter_key, receipt, idem, sha, channel, cast_at),
         (SELECT clock_timestamp() AS now) t
    WHERE NOT EXISTS (SELECT 1 FROM edition_closures c
                      WHERE c.edition_id = a.edition_id AND c.closed_at <= coalesce(a.cast_at, t.now))
    ON CONFLICT (edition_id, voter_key) DO NOTHING
    RETURNING receipt, cast_at"""
_CLAIM_COLUMNS = ("edition_id", "voter_key", "receipt", "idem", "sha", "channel", "cast_at")


class _Gathered:
    """Work the request threads of a process hand over, done in batches by one thread of its own: the first
    item waits `window()` seconds for others to join it, so that one statement carries them all. The window
    counts from the first item's arrival: items that came while the previous batch was being handled have
    waited already, and go as soon as it is done. The thread starts with the first item — after gunicorn
    forked the process."""

    def __init__(self, name: str, window, limit: int | None, handle):
        self._name, self._window, self._limit, self._handle = name, window, limit, handle
        self._items: list = []
        self._first_at = 0.0  # when the oldest waiting item arrived (time.monotonic)
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def put(self, item) -> None:
        with self._wake:
            if not self._items:
                self._first_at = time.monotonic()
            self._items.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._items:
                    self._wake.wait()
                first_at = self._first_at
            # a batching window, not a wait for a condition
            time.sleep(max(0.0, first_at + self._window() - time.monotonic()))
            with self._wake:
                batch = self._items[:self._limit]
                del self._items[:self._limit]
            try:
                self._handle(batch)
            except Exception:  # the handler answers its items itself; this thread must outlive any surprise
                log.exception("%s: a batch was not handled", self._name)


class _AppendRound:
    """The votes whose first claims one statement inserted. They are woken together and hand their ballots to
    the producer within a moment of each other; the last of them to do so sends the round (VoteLog.append)
    instead of the producer lingering for votes that are not coming — a vote's wait for its claim already
    gathered it with the others of the moment. A vote of the round that never appends (its process stalled)
    only leaves the others to the producer's linger."""

    __slots__ = ("_left", "_lock")

    def __init__(self, votes: int):
        self._left = votes
        self._lock = threading.Lock()

    def handed_over(self) -> bool:
        """One vote's ballot is in the producer; True for the round's last."""
        with self._lock:
            self._left -= 1
            return self._left == 0


class _FirstClaim:
    """One vote's first claim, waiting for the statement that carries it."""

    __slots__ = ("params", "done", "cast_at", "round", "error")

    def __init__(self, params: dict):
        self.params = params
        self.done = threading.Event()
        self.cast_at: datetime | None = None
        self.round: _AppendRound | None = None
        self.error: Exception | None = None


_CLAIM_REVOTE = text("""
    UPDATE vote_claims v SET
        previous = jsonb_build_object('receipt', v.receipt, 'idempotency_key', v.idempotency_key,
                                      'ballot_sha256', v.ballot_sha256, 'cast_at', v.cast_at, 'channel', v.channel),
        receipt = :receipt, idempotency_key = :idem, ballot_sha256 = :sha, cast_at = t.now, claimed_at = t.now,
        state = 'pending'
    FROM (SELECT clock_timestamp() AS now) t
    WHERE v.edition_id = :edition_id AND v.voter_key = :voter_key AND v.receipt = :replaces AND v.state = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM edition_closures c WHERE c.edition_id = :edition_id AND c.closed_at <= t.now)
    RETURNING v.cast_at""")

_TAKE_OVER = text("""
    UPDATE vote_claims SET claimed_at = clock_timestamp()
    WHERE edition_id = :edition_id AND voter_key = :voter_key AND receipt = :receipt AND state = 'pending'
    RETURNING claimed_at""")

_CLAIM = text("""
    SELECT receipt, idempotency_key, ballot_sha256, channel, cast_at, state, claimed_at, earlier, previous,
           clock_timestamp() - claimed_at AS age
    FROM vote_claims WHERE edition_id = :edition_id AND voter_key = :voter_key""")


def _receipt(receipt: str, edition_id, cast_at: datetime) -> dict:
    return {"receipt": receipt, "edition_id": str(edition_id), "cast_at": cast_at.astimezone(UTC).isoformat()}


_ACCEPT_MANY = """
    UPDATE vote_claims v SET state = 'accepted', previous = NULL,
        earlier = CASE WHEN v.previous IS NULL THEN v.earlier
                       ELSE v.earlier || jsonb_build_object(v.previous->>'idempotency_key',
                                                            v.previous - 'idempotency_key') END
    FROM unnest(CAST(%(editions)s AS uuid[]), CAST(%(voters)s AS text[]), CAST(%(receipts)s AS text[])) AS a(e, k, r)
    WHERE v.edition_id = a.e AND v.voter_key = a.k AND v.receipt = a.r AND v.state <> 'voided'"""


class Claims:
    """The claims table as the vote path uses it, on connections of its own: each statement in autocommit
    (no BEGIN/COMMIT and no ping round trips on the hot path — a broken connection is a 503 and is
    replaced). The first claims of concurrent votes are inserted together by one thread per process, and the
    acknowledgements written in batches by another, without waiting for the disk. An acknowledgement lost with
    its process (or in a database crash) leaves the claim pending, and a pending claim is settled from the vote
    log, where the acknowledged ballot is."""

    def __init__(self, database_url: str, pool_size: int = 10):
        self.engine = create_engine(database_url, pool_size=pool_size, max_overflow=10, pool_pre_ping=False,
                                    isolation_level="AUTOCOMMIT", hide_parameters=True)
        # the claims of votes arriving within a few ms: one statement, one commit, one wait for the disk
        self._first_claims = _Gathered("vote-claims-first", lambda: CLAIM_GATHER_S, CLAIM_BATCH_MAX,
                                       self._insert_first_claims)
        # the acknowledgements of 20 ms: one statement for a few dozen votes (the receipt does not wait for it)
        self._acknowledgements = _Gathered("vote-claims-acks", lambda: ACK_GATHER_S, None,
                                           self._write_acknowledgements)
        self._ack_lock = threading.Lock()  # the acknowledgement thread's connection, shared with acknowledge_now
        self._ack_connection: psycopg.Connection | None = None

    def one(self, statement, **params):
        with self.engine.connect() as conn:
            return conn.execute(statement, params).first()

    def claim_first(self, **params) -> tuple[datetime, _AppendRound] | None:
        """The voter's first claim in the edition: its cast time and the round of votes it was inserted with —
        or None if the voter key has a claim already or the voting is closed. Inserted with the first claims
        of this process's other votes of the moment."""
        claim = _FirstClaim(params)
        self._first_claims.put(claim)
        if not claim.done.wait(CLAIM_WAIT_S):
            raise _unavailable()  # the database does not answer; a claim it inserts later stays pending
        if isinstance(claim.error, psycopg.Error):
            # raised as SQLAlchemy raises it for any other statement, so the chassis answers the same way
            # (OperationalError: 503 with Retry-After; DataError: 422; …)
            raise DBAPIError.instance("claim", None, claim.error, psycopg.Error, hide_parameters=True) from None
        if claim.error is not None:  # SQLAlchemy's own (no connection to be had: OperationalError, a 503)
            raise claim.error
        return None if claim.cast_at is None else (claim.cast_at, claim.round)

    def _insert_first_claims(self, batch: list[_FirstClaim]) -> None:
        try:
            self._insert(batch)
        except (psycopg.OperationalError, SQLAlchemyError) as exc:  # no database: a 503 for each vote
            self._fail(batch, exc)
        except Exception as exc:
            if len(batch) == 1:
                self._fail(batch, exc)
            else:  # one vote's data the database refuses must not cost the others theirs: one by one
                for claim in batch:
                    try:
                        self._insert([claim])
                    except Exception as own:
                        self._fail([claim], own)

    @staticmethod
    def _fail(batch: list[_FirstClaim], exc: Exception) -> None:
        for claim in batch:
            claim.error = exc
            claim.done.set()

    def _insert(self, batch: list[_FirstClaim]) -> None:
        """Inserts the batch's claims and lets each vote know: its cast time, or None (not inserted)."""
        columns = {name: [claim.params[name] for claim in batch] for name in _CLAIM_COLUMNS}
        conn = self.engine.raw_connection()
        try:
            with conn.cursor() as cursor:
                cursor.execute(_CLAIM_FIRST, columns)
                claimed = dict(cursor.fetchall())
        except psycopg.OperationalError:
            conn.invalidate()  # a broken connection is not handed to the next votes
            raise
        finally:
            conn.close()  # back to the pool (an invalidated one is discarded)
        round_ = _AppendRound(len(claimed))  # the votes that will append: those whose claim was inserted
        for claim in batch:
            claim.cast_at = claimed.get(claim.params["receipt"])
            claim.round = round_ if claim.cast_at is not None else None
            claim.done.set()

    def acknowledge(self, edition_id, voter_key: str, receipt: str) -> None:
        self._acknowledgements.put((edition_id, voter_key, receipt))

    def acknowledge_now(self, edition_id, voter_key: str, receipt: str) -> None:
        self._write([(edition_id, voter_key, receipt)])

    def _write_acknowledgements(self, batch: list[tuple]) -> None:
        try:
            self._write(batch)
        except Exception as exc:  # the claims stay pending: the sweeper settles them from the log
            log.warning("acknowledging %d vote claims failed: %s", len(batch), type(exc).__name__)

    def _write(self, batch: list[tuple]) -> None:
        """One statement on the acknowledgements' own connection, which does not wait for the disk: a lost
        acknowledgement leaves a pending claim, settled from the vote log."""
        with self._ack_lock:
            if self._ack_connection is None or self._ack_connection.closed:
                args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
                self._ack_connection = psycopg.connect(*args, **kwargs, autocommit=True,
                                                       options="-c synchronous_commit=off")
            try:
                self._ack_connection.execute(_ACCEPT_MANY, {
                    "editions": [b[0] for b in batch], "voters": [b[1] for b in batch],
                    "receipts": [b[2] for b in batch]})
            except psycopg.OperationalError:
                self._ack_connection.close()  # a new one for the next batch
                raise


def _claim(claims: Claims, edition_id, voter_key: str):
    return claims.one(_CLAIM, edition_id=edition_id, voter_key=voter_key)


def closure_of(claims: Claims, edition_id) -> datetime | None:
    row = claims.one(text("SELECT closed_at FROM edition_closures WHERE edition_id = :e"), e=edition_id)
    return row and row.closed_at


def has_claim(session, edition_id, voter_key: str) -> bool:
    """Whether the voter key already has a ballot (or one being cast) in the edition."""
    return session.execute(text("SELECT 1 FROM vote_claims WHERE edition_id = :e AND voter_key = :k"),
                           {"e": edition_id, "k": voter_key}).first() is not None


# --------------------------------------------------------------------------- the vote path


def cast(claims: Claims, vote_log: VoteLog, ballot, credential: VoterCredential, parts: list[dict],
         idempotency_key: str, *, cast_at: datetime | None = None) -> tuple[dict, bool]:
    """Returns (receipt, created). At most one standing ballot per voter key per edition, also under
    concurrent requests and whatever happened to Redis; a re-send with the same idempotency key gets the same
    receipt, never a second vote.

    A later ballot of a voter who already voted is refused (409), except where the edition's frozen rules
    say otherwise: re-voting online (the last ballot counts) and, under `paper_and_online: all_invalid`, a
    ballot in the other channel — recorded in the log so that the tally voids all of that person's
    ballots, and answered with a 409 that says so. `cast_at` is given for paper cards (the time the card was
    handed out); online ballots are cast at the database's clock, the same clock that closes the voting."""
    normalised = validate_ballot(ballot, credential.district, parts)
    edition_id, voter_key = credential.edition_id, credential.voter_key
    sha = sha256_hex(normalised)
    for _ in range(4):  # a claim released under us (an orphan settled) is tried again as the first
        receipt = secrets.token_hex(16)
        started = time.monotonic()
        claimed = claims.claim_first(edition_id=edition_id, voter_key=voter_key, receipt=receipt,
                                     idem=idempotency_key, sha=sha, channel=credential.channel, cast_at=cast_at)
        if claimed is not None:
            recorded_cast_at, round_ = claimed
            answer = _receipt(receipt, edition_id, recorded_cast_at)
            _append_and_accept(claims, vote_log, credential, answer, normalised, started, idempotency_key, round_)
            return answer, True
        existing = _settled(claims, edition_id, voter_key, idempotency_key)
        if existing is None:  # refused by the close, or a claim released just now
            closed_at = closure_of(claims, edition_id)
            if closed_at is not None and (cast_at is None or closed_at <= cast_at):
                raise _closed()
            continue
        outcome = _answer_existing(claims, vote_log, ballot, credential, normalised, sha, idempotency_key, existing,
                                   cast_at)
        if outcome is not None:
            return outcome
    raise Problem(503, "Spróbuj ponownie za chwilę.", "Try again in a moment.", headers={"Retry-After": "1"})


def _answer_existing(claims, vote_log, ballot, credential, normalised, sha, idempotency_key, existing, cast_at):
    """The voter key already has a claim: a re-send, a re-vote, the other channel, or a second ballot."""
    edition_id, voter_key = credential.edition_id, credential.voter_key
    if existing.idempotency_key == idempotency_key:
        if existing.ballot_sha256 != sha:
            raise _key_reused()
        if existing.state == "voided":
            raise _voided()
        if existing.state == "pending":  # its holder died or Kafka did not answer: the same ballot again
            return _take_over(claims, vote_log, credential, existing, normalised)
        _refuse_if_not_counting(claims, existing.receipt)
        return _receipt(existing.receipt, edition_id, existing.cast_at), False
    for earlier in ([existing.previous] if existing.previous else []) + [
            {**v, "idempotency_key": k} for k, v in (existing.earlier or {}).items()]:
        if earlier["idempotency_key"] == idempotency_key:  # a late re-send of a ballot since replaced
            if earlier["ballot_sha256"] != sha:
                raise _key_reused()
            return _receipt(earlier["receipt"], edition_id, datetime.fromisoformat(earlier["cast_at"])), False
    if existing.state == "pending":
        if existing.age.total_seconds() < ORPHAN_AFTER_S:
            raise Problem(409, "Twój głos jest właśnie zapisywany.", "Your vote is being recorded right now.",
                          headers={"Retry-After": "2"}, type_="https://glos.pl/problems/vote-in-progress")
        settle_orphan(claims, vote_log, edition_id, voter_key, existing)
        return None  # settled one way or the other: look again
    if existing.state == "voided":
        raise _voided()
    rules = ballot.rules
    revote = existing.channel == credential.channel == "online" and rules.get("revoting")
    other_channel = existing.channel != credential.channel and rules.get("paper_and_online") == "all_invalid"
    if (revote or other_channel) and credential.channel == "online" and closure_of(claims, edition_id) is not None:
        raise _closed()
    if revote:
        receipt = secrets.token_hex(16)
        started = time.monotonic()
        row = claims.one(_CLAIM_REVOTE, edition_id=edition_id, voter_key=voter_key, receipt=receipt,
                   idem=idempotency_key, sha=sha, replaces=existing.receipt)
        if row is None:
            return None  # another request of the same voter got there first, or the voting closed: look again
        answer = _receipt(receipt, edition_id, row.cast_at)
        _append_and_accept(claims, vote_log, credential, answer, normalised, started, idempotency_key)
        return answer, True
    if other_channel:
        _append(vote_log, credential, _receipt(secrets.token_hex(16), edition_id, cast_at or datetime.now(UTC)),
                normalised, idempotency_key)
        claims.one(text("UPDATE vote_claims SET state = 'voided' WHERE edition_id = :e AND voter_key = :k RETURNING 1"),
             e=edition_id, k=voter_key)
        raise _voided()
    raise Problem(409, "W tej edycji oddano już głos z tym poświadczeniem.",
                  "A ballot was already cast with this credential in this edition.",
                  type_="https://glos.pl/problems/already-voted")


def _append_and_accept(claims, vote_log, credential, answer: dict, parts: list[dict], started: float,
                       idempotency_key: str | None, round_: _AppendRound | None = None) -> None:
    if time.monotonic() - started > APPEND_BY_S:
        # this process stalled after its claim; the claim stays pending and is settled from the log
        raise _unavailable()
    _append(vote_log, credential, answer, parts, idempotency_key, round_)
    if time.monotonic() - started > ORPHAN_AFTER_S - 5:
        raise _unavailable()  # the claim may be settled without us any moment: no receipt we cannot stand behind
    claims.acknowledge(credential.edition_id, credential.voter_key, answer["receipt"])


def _take_over(claims, vote_log, credential, existing, parts) -> tuple[dict, bool]:
    started = time.monotonic()
    if claims.one(_TAKE_OVER, edition_id=credential.edition_id, voter_key=credential.voter_key,
            receipt=existing.receipt) is None:
        return None  # settled meanwhile: look again
    answer = _receipt(existing.receipt, credential.edition_id, existing.cast_at)
    _append_and_accept(claims, vote_log, credential, answer, parts, started, existing.idempotency_key)
    return answer, False


def _refuse_if_not_counting(claims, receipt: str) -> None:
    """A re-send of an accepted ballot: the tally's word, where it has one, comes before the receipt."""
    row = claims.one(text("SELECT status FROM ballot_records WHERE receipt = :r"), r=receipt)
    if row is None or row.status in ("counted", "superseded"):
        return
    if row.status == "invalid":
        raise _voided()
    raise Problem(409, "W tej edycji oddano już głos z tym poświadczeniem.",
                  "A ballot was already cast with this credential in this edition.",
                  type_="https://glos.pl/problems/already-voted")


def _settled(claims: Claims, edition_id, voter_key: str, idempotency_key: str):
    """The voter's claim, once a concurrent attempt has finished (waiting at most SETTLE_WAIT_S; a re-send of
    the same request waits a third of that before taking over)."""
    started = time.monotonic()
    while True:
        existing = _claim(claims, edition_id, voter_key)
        if existing is None or existing.state != "pending" or existing.age.total_seconds() >= ORPHAN_AFTER_S:
            return existing
        wait = SETTLE_WAIT_S / 3 if existing.idempotency_key == idempotency_key else SETTLE_WAIT_S
        if time.monotonic() - started > wait:
            return existing
        time.sleep(0.025)


def my_ballot(claims: Claims, vote_log: VoteLog, edition_id, voter_key: str) -> dict | None:
    """The voter's ballot in the edition as the vote path knows it (their claim): `accepted` with its receipt,
    `pending` while a cast is under way, `voided` under the all_invalid rule — or None. A claim orphaned by
    a dead process is settled from the vote log first, so the answer is never "voted" for a ballot that
    is not in the log."""
    claim = _claim(claims, edition_id, voter_key)
    if claim is not None and claim.state == "pending" and claim.age.total_seconds() >= ORPHAN_AFTER_S:
        settle_orphan(claims, vote_log, edition_id, voter_key, claim)
        claim = _claim(claims, edition_id, voter_key)
    if claim is None:
        return None
    answer = {"state": claim.state, "channel": claim.channel}
    if claim.state == "accepted":
        answer.update(_receipt(claim.receipt, edition_id, claim.cast_at))
    return answer


def settle_orphan(claims: Claims, vote_log: VoteLog, edition_id, voter_key: str, claim) -> str:
    """A claim pending for longer than any append can take: the vote log decides. In the log (or already
    tallied) → accepted; not there → released (a re-vote falls back to the ballot it was to replace).
    Returns what was done."""
    tallied = claims.one(text("SELECT 1 FROM ballot_records WHERE receipt = :r"), r=claim.receipt) is not None
    if tallied or vote_log.contains(voter_key, claim.receipt, claim.claimed_at - timedelta(seconds=60)):
        claims.acknowledge_now(edition_id, voter_key, claim.receipt)
        log.warning("a pending vote claim was found in the vote log and completed")
        return "completed"
    params = {"edition_id": edition_id, "voter_key": voter_key, "receipt": claim.receipt,
              "claimed_at": claim.claimed_at}
    if claim.previous:
        claims.one(text("""
            UPDATE vote_claims SET receipt = previous->>'receipt', idempotency_key = previous->>'idempotency_key',
                ballot_sha256 = previous->>'ballot_sha256', cast_at = (previous->>'cast_at')::timestamptz,
                channel = previous->>'channel', state = 'accepted', previous = NULL
            WHERE edition_id = :edition_id AND voter_key = :voter_key AND receipt = :receipt
              AND state = 'pending' AND claimed_at = :claimed_at RETURNING 1"""), **params)
    else:
        claims.one(text("""
            DELETE FROM vote_claims WHERE edition_id = :edition_id AND voter_key = :voter_key
              AND receipt = :receipt AND state = 'pending' AND claimed_at = :claimed_at RETURNING 1"""), **params)
    log.warning("a pending vote claim whose ballot never reached the vote log was released")
    return "released"


def settle_orphans(claims: Claims, vote_log: VoteLog, limit: int = 200) -> dict[str, int]:
    """The worker's sweep: every claim pending for longer than ORPHAN_AFTER_S, settled from the log."""
    with claims.engine.connect() as conn:
        rows = conn.execute(text("""
            SELECT edition_id, voter_key, receipt, claimed_at, previous FROM vote_claims
            WHERE state = 'pending' AND claimed_at < clock_timestamp() - make_interval(secs => :after)
            ORDER BY claimed_at LIMIT :limit"""), {"after": ORPHAN_AFTER_S, "limit": limit}).all()
    done: dict[str, int] = {}
    for row in rows:
        outcome = settle_orphan(claims, vote_log, row.edition_id, row.voter_key, row)
        done[outcome] = done.get(outcome, 0) + 1
    return done


def _append(vote_log: VoteLog, credential: VoterCredential, receipt: dict, parts: list[dict],
            idempotency_key: str | None, round_: _AppendRound | None = None) -> None:
    # the voter's age band (from the credential's age on the voting day) rides with the ballot only as far as
    # the tally's turnout counts: no ballot record keeps it and the anonymised export leaves it out
    event = new_event("vote.cast", credential.voter_key, source=SOURCE, data={
        **receipt, "voter_key": credential.voter_key, "channel": credential.channel, "parts": parts,
        "age_band": age_bands.of_age(credential.age),
        # what the vote path's claim keeps of a ballot, so that a database restored from a backup can have its
        # claims rebuilt from the log (rebuild.py): a late re-send then still gets its own receipt
        "idempotency_key": idempotency_key})
    try:
        vote_log.append(event, round_=round_)
    except (KafkaError, TimeoutError):
        # Not acknowledged — but perhaps written: the claim stays pending until a re-send or the log says.
        raise _unavailable() from None


def _unavailable() -> Problem:
    return Problem(503, "Nie udało się zapisać głosu. Spróbuj ponownie — z tej samej karty nie powstanie drugi "
                        "głos.", "The vote could not be recorded. Try again — the same ballot will not be counted "
                        "twice.", headers={"Retry-After": "2"}, type_="https://glos.pl/problems/vote-log-unavailable")


def _closed() -> Problem:
    return Problem(409, "Głosowanie w tej edycji jest zamknięte.", "Voting in this edition is closed.",
                   type_="https://glos.pl/problems/voting-closed")


def _voided() -> Problem:
    return Problem(409, "Ta osoba głosowała już w innym kanale (internet/papier). Zgodnie z zasadami edycji "
                        "wszystkie jej głosy są nieważne.",
                   "This person already voted in the other channel (online/paper). Under the edition's rules "
                   "all of their ballots are invalid.", type_="https://glos.pl/problems/voted-in-both-channels")


def _key_reused() -> Problem:
    return Problem(422, "Ten klucz Idempotency-Key użyto już dla innej karty.",
                   "This Idempotency-Key was already used for a different ballot.",
                   type_="https://glos.pl/problems/idempotency-key-reused",
                   errors=[{"location": "headers", "field": "Idempotency-Key", "message": "Użyty dla innej karty.",
                            "message_en": "Used for a different ballot."}])
