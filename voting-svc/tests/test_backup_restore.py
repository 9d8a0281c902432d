"""Backup and restore as the runbook says (docs/ops/README.md; issue 26, point 3): voting-svc's database dumped in
the middle of voting, more ballots cast (and changed) after the dump, the dump restored into a new database — which
is then behind the vote log by exactly those ballots, and the recount says so — and `voting-svc rebuild-tally`
counts them from the log, after which the restored tally equals the live one and the recount finds nothing."""

from __future__ import annotations

import os
import subprocess
import uuid

import stack
from glos_testing import PROFILE, wait_until
from voting_kit import cast, new_election, part, voter, voting_db

TALLY = "SELECT area_id::text, project_id::text, points, voters FROM project_tallies WHERE edition_id = :e ORDER BY 1, 2"
CLAIMS = ("SELECT voter_key, receipt, state, idempotency_key, ballot_sha256, channel, cast_at, "
          "ARRAY(SELECT jsonb_object_keys(earlier) ORDER BY 1) FROM vote_claims WHERE edition_id = :e ORDER BY 1")


def voting_cli(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(stack.VENV_BIN / "voting-svc"), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "VOTING_DATABASE_URL": database_url})


def counted(edition: str, at_least: int) -> None:
    wait_until(lambda: voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e",
                                 e=edition)[0][0] >= at_least, timeout=60, message="the tally to count the ballots")


def test_a_restored_database_is_brought_up_to_the_vote_log_by_the_rebuild(gateway, official_headers, tmp_path):
    election = new_election(gateway, official_headers, revoting=True)
    edition, city = election["edition"], election["city"]
    before = [voter(gateway, edition) for _ in range(4)]
    for credential in before:
        assert cast(gateway, edition, credential, [part(city, 3)]).status_code == 201
    counted(edition, 4)

    live_url = PROFILE.database_url("voting")
    dump = tmp_path / "voting.dump"
    subprocess.run([str(stack.PG_BIN / "pg_dump"), "--format=custom", "--no-owner", f"--file={dump}",
                    live_url.replace("postgresql+psycopg://", "postgresql://")], check=True, timeout=300)

    after = [voter(gateway, edition) for _ in range(3)]
    for credential in after:
        assert cast(gateway, edition, credential, [part(city, 0, 3)]).status_code == 201
    assert cast(gateway, edition, before[0], [part(city, 0, 0, 3)]).status_code == 201  # a re-vote after the dump
    counted(edition, 8)
    live_tally, live_claims = voting_db(TALLY, e=edition), voting_db(CLAIMS, e=edition)

    name = f"glos_voting_restored_{uuid.uuid4().hex[:8]}"
    stack.create_scratch_database(PROFILE, "voting", name)
    try:
        restored_url = live_url.rsplit("/", 1)[0] + f"/{name}"
        subprocess.run([str(stack.PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error",
                        f"--dbname={restored_url.replace('postgresql+psycopg://', 'postgresql://')}", str(dump)],
                       check=True, timeout=300)
        behind = voting_cli("recount", edition, database_url=restored_url)
        assert behind.returncode != 0 and "identical" not in behind.stdout.splitlines()[-1], behind.stdout

        rebuilt = voting_cli("rebuild-tally", database_url=restored_url)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        again = voting_cli("rebuild-tally", database_url=restored_url)  # a second run counts nothing twice
        assert again.returncode == 0, again.stderr

        from sqlalchemy import create_engine, text
        engine = create_engine(restored_url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text(TALLY), {"e": edition}).all() == live_tally
                # who has voted, with which receipt and idempotency key, and the ballot each re-vote replaced: as
                # the vote path left them, so a second ballot or a late re-send is answered as before the loss
                assert conn.execute(text(CLAIMS), {"e": edition}).all() == live_claims
                statuses = dict(conn.execute(text("SELECT status, count(*) FROM ballot_records WHERE edition_id = :e "
                                                  "GROUP BY status"), {"e": edition}).all())
        finally:
            engine.dispose()
        assert statuses == {"counted": 7, "superseded": 1}
        recount = voting_cli("recount", edition, database_url=restored_url)
        assert recount.returncode == 0 and recount.stdout.strip().endswith("identical"), recount.stdout
    finally:
        stack.drop_scratch_database(PROFILE, name)
