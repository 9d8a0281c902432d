"""voting-svc commands: migrate, worker (outbox relay, projection consumer, tally), recount, rebuild-tally."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import VotingSettings
from . import handlers, tally
from .models import outbox, processed_events

SERVICE_ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("voting_svc.worker")


def _recount_arguments(parser) -> None:
    parser.description = "replay the Kafka vote log into an empty tally and compare it with the database"
    parser.add_argument("edition_id", type=__import__("uuid").UUID)


def _recount(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from .models import BallotView, EditionClosure
    from .recount import check_receipts, database_tally, replay

    sessions = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with session_scope(sessions) as session:
        ballot = session.get(BallotView, args.edition_id)
        if ballot is None:
            print(f"edition {args.edition_id}: no published ballot here")
            return 2
        closure = session.get(EditionClosure, args.edition_id)
        rules, closed_at = ballot.rules, closure and closure.closed_at
        db_ballots, db_points = database_tally(session, args.edition_id)
    log = replay(settings.kafka_bootstrap_servers, args.edition_id, rules, closed_at)
    with session_scope(sessions) as session:
        handed_out, pending, receipt_problems = check_receipts(session, args.edition_id, log)
    log_points = log.points
    differences = {k: (log_points.get(k, 0), db_points.get(k, 0)) for k in set(log_points) | set(db_points)
                   if log_points.get(k, 0) != db_points.get(k, 0)}
    print(f"vote log: {log.ballots} ballots; database: {db_ballots} ballots; "
          f"{len(differences)} project(s) differ")
    for (area, project), (log_value, db_value) in sorted(differences.items()):
        print(f"  area {area} project {project}: log {log_value}, database {db_value}")
    print(f"receipts handed out: {handed_out}; {len(receipt_problems)} not as they must be; "
          f"{pending} claim(s) still pending")
    for line in receipt_problems:
        print(f"  {line}")
    same = log.ballots == db_ballots and not differences and not receipt_problems
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


def _rebuild_arguments(parser) -> None:
    parser.description = ("after a restore from a backup: handle in this database every event of the logs it has "
                          "not handled yet — the projections, then every ballot of the vote log (then run the recount)")


def _rebuild(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory

    from .rebuild import rebuild

    sessions = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    for what, count in rebuild(settings.kafka_bootstrap_servers, sessions).items():
        print(f"{what}: {count}")
    print("every event of the logs is now handled here once")
    return 0


def _claims_sweeper(settings, engine) -> dict:
    """Settle, from the vote log, every claim left pending by a web process that died mid-vote (voting.py)."""
    from .voting import ORPHAN_AFTER_S, Claims, VoteLog, settle_orphans

    vote_log = VoteLog(settings.kafka_bootstrap_servers)
    claims = Claims(settings.database_url.get_secret_value(), pool_size=2)

    def sweep(stop) -> None:
        while not stop.wait(ORPHAN_AFTER_S / 4):
            try:
                done = settle_orphans(claims, vote_log)
            except Exception as exc:  # Kafka or the database away: the claims wait for the next sweep
                log.warning("settling pending vote claims failed: %s", type(exc).__name__)
                continue
            if done:
                log.warning("pending vote claims settled from the vote log: %s", done)

    return {"vote-claims-sweeper": sweep}


def _worker_loops(settings, engine) -> dict:
    return {**_claims_sweeper(settings, engine), "turnout-gauge": _turnout_gauge(engine),
            "vote-path-checks": _vote_path_checks(settings)}


def _vote_path_checks(settings):
    """The outage ledger's checks (outages.py), every PROBE_EVERY_S, on connections of their own with short
    timeouts: a check must not hang on what it is checking."""
    from kafka import KafkaAdminClient
    from sqlalchemy import create_engine

    from glos_chassis.db import make_session_factory
    from glos_chassis.kafka_io import connection

    from .outages import PROBE_EVERY_S, Ledger, check_vote_path
    from .voting import VOTE_LOG

    engine = create_engine(settings.database_url.get_secret_value(), pool_size=1, max_overflow=0,
                           pool_pre_ping=True, connect_args={"connect_timeout": 3}, hide_parameters=True)
    ledger = Ledger(make_session_factory(engine))

    def check(stop) -> None:
        admin = None
        while not stop.wait(PROBE_EVERY_S):
            try:
                if admin is None:
                    admin = KafkaAdminClient(**connection(settings.kafka_bootstrap_servers), request_timeout_ms=3000,
                                             client_id="voting-svc-vote-path-check")
                cause = check_vote_path(engine, admin, VOTE_LOG)
            except Exception as exc:  # the admin client could not even be made: the vote log is unreachable
                cause, admin = f"vote log: {type(exc).__name__}", None
            ledger.observe(cause)

    return check


def _turnout_gauge(engine, every_s: float = 15.0):
    """The live turnout of every edition whose voting is open, per area, for the last evening's dashboard."""
    from sqlalchemy import text

    from glos_chassis.metrics import TURNOUT

    query = text("""
        SELECT t.edition_id, area->>'name' AS area, sum(t.voters) AS voters
        FROM area_turnout t
        JOIN ballot_views b ON b.edition_id = t.edition_id
        CROSS JOIN LATERAL jsonb_array_elements(b.areas) AS area
        WHERE area->>'area_id' = t.area_id::text
          AND NOT EXISTS (SELECT 1 FROM edition_closures c WHERE c.edition_id = t.edition_id)
        GROUP BY t.edition_id, area->>'name'""")

    def refresh(stop) -> None:
        shown: set[tuple[str, str]] = set()
        while not stop.wait(every_s):
            try:
                with engine.connect() as conn:
                    rows = {(str(e), a): int(n) for e, a, n in conn.execute(query)}
            except Exception as exc:  # the database away: the gauge waits for the next round
                log.warning("reading the live turnout failed: %s", type(exc).__name__)
                continue
            for key in shown - set(rows):  # closed since: no longer live
                TURNOUT.remove(*key)
            for (edition, area), voters in rows.items():
                TURNOUT.labels(edition, area).set(voters)
            shown = set(rows)

    return refresh


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="voting-svc", settings_cls=VotingSettings, service_root=SERVICE_ROOT,
                        outbox=outbox, consumers=lambda settings: [
                            (handlers.GROUP_ID, handlers.TOPICS, processed_events, handlers.HANDLERS),
                            (tally.GROUP_ID, tally.TOPICS, processed_events, tally.HANDLERS, tally.on_votes_cast)],
                        extra_loops=_worker_loops,
                        commands={"recount": (_recount_arguments, _recount),
                                  "rebuild-tally": (_rebuild_arguments, _rebuild)})


if __name__ == "__main__":
    sys.exit(main())
