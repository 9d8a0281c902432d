"""The vote path's first claim (voting.Claims.claim_first) against the service's real PostgreSQL: one claim per
voter key per edition, none once the voting is closed, also when concurrent votes share one statement; a vote
whose data the database refuses costs the others in its statement nothing; and a connection that breaks under
a vote is a 503 (SQLAlchemy's OperationalError, which the chassis answers so) and is not handed to the next
vote."""

from __future__ import annotations

import secrets
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError

from glos_chassis.errors import Problem
from glos_testing import wait_until
from voting_svc import voting
from voting_svc.voting import Claims


@pytest.fixture
def claims(svc):
    claims = Claims(svc.database.url, pool_size=1)
    yield claims
    claims.engine.dispose()


def claim(claims: Claims, edition_id, voter_key: str, cast_at=None, idem: str | None = None):
    return claims.claim_first(edition_id=edition_id, voter_key=voter_key, receipt=secrets.token_hex(16),
                              idem=idem or secrets.token_hex(8), sha="0" * 64, channel="online", cast_at=cast_at)


def claim_together(claims: Claims, monkeypatch, *attempts: dict) -> list:
    """The attempts' claims at the same moment, gathered into one statement (a gathering window longer than
    it takes the threads to start): each attempt's (cast time, round), None, or the exception it raised."""
    monkeypatch.setattr(voting, "CLAIM_GATHER_S", 0.3)
    outcomes: list = [None] * len(attempts)
    start = threading.Barrier(len(attempts))

    def attempt(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = claim(claims, **attempts[i])
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_voter_key_is_claimed_once_per_edition(claims):
    edition, other = uuid.uuid4(), uuid.uuid4()
    before = datetime.now(UTC)
    cast_at, _ = claim(claims, edition, "klucz-1")
    assert before - timedelta(seconds=5) <= cast_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert claim(claims, edition, "klucz-1") is None
    assert claim(claims, other, "klucz-1") is not None  # another edition: its own claim
    assert claims.one(text("SELECT count(*) AS n FROM vote_claims WHERE voter_key = 'klucz-1'")).n == 2


def test_identical_votes_in_one_statement_make_one_claim(claims, monkeypatch):
    edition = uuid.uuid4()
    outcomes = claim_together(claims, monkeypatch, *[{"edition_id": edition, "voter_key": "dwuklik"}] * 6,
                              {"edition_id": edition, "voter_key": "sasiadka"})
    assert sum(outcome is not None for outcome in outcomes[:6]) == 1  # a double click: one claim, five find it
    assert outcomes[6] is not None
    assert claims.one(text("SELECT count(*) AS n FROM vote_claims WHERE edition_id = :e"), e=edition).n == 2


def test_the_votes_one_statement_claimed_are_one_round_and_the_last_to_append_sends_it(claims, monkeypatch):
    edition = uuid.uuid4()
    outcomes = claim_together(claims, monkeypatch, *[{"edition_id": edition, "voter_key": f"sasiad-{i}"} for i in range(3)],
                              {"edition_id": edition, "voter_key": "sasiad-0"})  # finds the first one's claim
    claimed = [outcome for outcome in outcomes if outcome is not None]
    assert len(claimed) == 3 and len({id(round_) for _, round_ in claimed}) == 1
    round_ = claimed[0][1]
    # only the votes that will append count: the round is sent when the third hands its ballot over
    assert [round_.handed_over() for _ in claimed] == [False, False, True]


def test_a_vote_the_database_refuses_leaves_the_others_in_its_statement_claimed(claims, monkeypatch):
    edition = uuid.uuid4()
    outcomes = claim_together(claims, monkeypatch, {"edition_id": edition, "voter_key": "pierwsza"},
                              {"edition_id": edition, "voter_key": "za-dlugi-klucz", "idem": "k" * 101},
                              {"edition_id": edition, "voter_key": "trzecia"})
    assert isinstance(outcomes[1], DataError)  # the chassis answers it 422; nothing of it written
    assert outcomes[0] is not None and outcomes[2] is not None
    with claims.engine.connect() as conn:
        claimed = set(conn.execute(text("SELECT voter_key FROM vote_claims WHERE edition_id = :e"),
                                   {"e": edition}).scalars())
    assert claimed == {"pierwsza", "trzecia"}


def test_a_claim_the_database_does_not_answer_in_time_is_a_503_and_stays_pending(claims, svc, monkeypatch):
    monkeypatch.setattr(voting, "CLAIM_WAIT_S", 0.5)
    edition = uuid.uuid4()
    with svc.database.engine.connect() as blocker, blocker.begin():
        blocker.execute(text("LOCK TABLE vote_claims IN ACCESS EXCLUSIVE MODE"))  # the statement cannot finish
        with pytest.raises(Problem) as refused:
            claim(claims, edition, "cierpliwy")
    assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    # the statement went through once the lock was gone: the claim is pending, to be settled from the vote log
    # (where its ballot never went) like the claim of any vote whose holder went away
    row = wait_until(lambda: claims.one(text("SELECT state FROM vote_claims WHERE edition_id = :e"), e=edition),
                     timeout=10, interval=0.05, message="the claim's statement to go through")
    assert row.state == "pending"


def test_no_claim_once_the_voting_is_closed_except_a_card_handed_out_before(claims):
    edition = uuid.uuid4()
    closed_at = datetime.now(UTC) - timedelta(minutes=1)
    claims.one(text("INSERT INTO edition_closures (edition_id, closed_at, closed_by) "
                    "VALUES (:e, :t, 'koordynatorka') RETURNING 1"), e=edition, t=closed_at)
    assert claim(claims, edition, "spozniony") is None
    handed_out = closed_at - timedelta(hours=1)  # a paper card handed out while the voting was open
    assert claim(claims, edition, "papierowy", cast_at=handed_out)[0] == handed_out


def test_a_connection_that_breaks_under_a_vote_is_a_503_and_is_replaced(claims, svc):
    edition = uuid.uuid4()
    assert claim(claims, edition, "pierwszy") is not None
    with claims.engine.connect() as conn:  # the pool's one connection: find its server process
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with svc.database.engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(OperationalError):
        claim(claims, edition, "drugi")
    assert claim(claims, edition, "drugi") is not None  # a new connection, and the vote was not half-written
