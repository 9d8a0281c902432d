"""The commands every service has: `migrate` and `worker`, plus the service's own.

    service_main(argv, prog="proposals-svc", settings_cls=ProposalsSettings,
                 service_root=SERVICE_ROOT, outbox=outbox,
                 consumers=lambda settings: [(group_id, topics, processed_events, HANDLERS)],
                 commands={"seed-demo": (add_arguments, run)})
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .config import load_settings
from .db import make_engine
from .logs import configure_logging

Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, object], int]]


def service_main(argv: list[str] | None, *, prog: str, settings_cls, service_root: Path, outbox,
                 consumers: Callable[[object], list] = lambda settings: [],
                 extra_loops: Callable[[object, object], dict] = lambda settings, engine: {},
                 commands: dict[str, Command] | None = None) -> int:
    commands = commands or {}
    parser = argparse.ArgumentParser(prog=prog)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply this service's database migrations (Alembic)")
    sub.add_parser("worker", help="run the outbox relay and the event consumers")
    for name, (add_arguments, _) in commands.items():
        add_arguments(sub.add_parser(name))
    args = parser.parse_args(argv)
    settings = load_settings(settings_cls)

    if args.command == "migrate":
        from .migrate import upgrade
        upgrade(service_root, settings.database_url.get_secret_value())
        return 0
    if args.command == "worker":
        from .worker import service_worker
        configure_logging(f"{settings.service_name}-worker", settings.log_level)
        engine = make_engine(settings.database_url.get_secret_value())
        return service_worker(name=settings.service_name, bootstrap_servers=settings.kafka_bootstrap_servers,
                              engine=engine, outbox=outbox, consumers=consumers(settings),
                              extra_loops=extra_loops(settings, engine))
    return commands[args.command][1](args, settings)
