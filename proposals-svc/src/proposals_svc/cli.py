"""proposals-svc commands: migrate, worker (outbox relay, identity-event consumer, phase scheduler), import."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import ProposalsSettings
from . import handlers
from .models import outbox, processed_events

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def _import_arguments(parser) -> None:
    parser.description = "create an edition from Pabulib files, one area per file (demos and tests)"
    parser.add_argument("files", nargs="+")
    parser.add_argument("--name", required=True, help="the edition's name; an existing edition is left alone")
    parser.add_argument("--city", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--showcase", help="a JSON file of demo texts by project id: description, category, "
                                           "location_address, and photo (an RGB colour for a generated picture)")


def _import(args, settings) -> int:
    from sqlalchemy import select

    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from . import pabulib, service
    from .models import Edition

    factory = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with session_scope(factory) as session:
        if session.scalar(select(Edition.id).where(Edition.name == args.name)) is not None:
            print(f"edition {args.name!r} exists; nothing imported")
            return 0
        edition = service.create_edition(session, name=args.name, city=args.city, year=args.year,
                                         created_by="import:pabulib")
        files = [(Path(f).name, Path(f).read_text(encoding="utf-8-sig")) for f in sorted(args.files)]
        areas = pabulib.import_areas(session, edition, files, actor="import:pabulib")
        print(f"edition {edition.name} ({edition.id}): {len(areas)} areas imported")
        if args.showcase:
            import json

            shown = pabulib.showcase(session, edition, json.loads(Path(args.showcase).read_text(encoding="utf-8")),
                                     actor="import:pabulib")
            print(f"{shown} projects given demo texts")
    return 0


def _scheduler(settings, engine) -> dict:
    from glos_chassis.db import make_session_factory

    from .phases import PhaseScheduler

    return {"phase-scheduler": PhaseScheduler(make_session_factory(engine)).run}


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="proposals-svc", settings_cls=ProposalsSettings, service_root=SERVICE_ROOT,
                        outbox=outbox, extra_loops=_scheduler,
                        consumers=lambda settings: [(handlers.GROUP_ID, handlers.TOPICS, processed_events,
                                                     handlers.HANDLERS)],
                        commands={"import-pabulib": (_import_arguments, _import)})


if __name__ == "__main__":
    sys.exit(main())
