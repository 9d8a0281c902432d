"""voting-svc commands: migrate, worker (outbox relay + projection consumer)."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import VotingSettings
from . import handlers, tally
from .models import outbox, processed_events

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def _recount_arguments(parser) -> None:
    parser.description = "replay the Kafka vote log into an empty tally and compare it with the database"
    parser.add_argument("edition_id", type=__import__("uuid").UUID)


def _recount(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from .models import BallotView, EditionClosure
    from .recount import database_tally, replay

    with session_scope(make_session_factory(make_engine(settings.database_url.get_secret_value()))) as session:
        ballot = session.get(BallotView, args.edition_id)
        if ballot is None:
            print(f"edition {args.edition_id}: no published ballot here")
            return 2
        closure = session.get(EditionClosure, args.edition_id)
        rules, closed_at = ballot.rules, closure and closure.closed_at
        db_ballots, db_points = database_tally(session, args.edition_id)
    log_ballots, log_points = replay(settings.kafka_bootstrap_servers, args.edition_id, rules, closed_at)
    differences = {k: (log_points.get(k, 0), db_points.get(k, 0)) for k in set(log_points) | set(db_points)
                   if log_points.get(k, 0) != db_points.get(k, 0)}
    print(f"vote log: {log_ballots} ballots; database: {db_ballots} ballots; "
          f"{len(differences)} project(s) differ")
    for (area, project), (log_value, db_value) in sorted(differences.items()):
        print(f"  area {area} project {project}: log {log_value}, database {db_value}")
    same = log_ballots == db_ballots and not differences
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="voting-svc", settings_cls=VotingSettings, service_root=SERVICE_ROOT,
                        outbox=outbox, consumers=lambda settings: [
                            (handlers.GROUP_ID, handlers.TOPICS, processed_events, handlers.HANDLERS),
                            (tally.GROUP_ID, tally.TOPICS, processed_events, tally.HANDLERS, tally.on_votes_cast)],
                        commands={"recount": (_recount_arguments, _recount)})


if __name__ == "__main__":
    sys.exit(main())
