"""identity-svc commands: migrate, worker, seed-account."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import IdentitySettings
from .models import outbox

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def _seed_arguments(parser) -> None:
    parser.description = "create or update an account (development and demo)"
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--roles", default="resident", help="comma-separated")


def _seed(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from .service import upsert_account

    factory = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with session_scope(factory) as session:
        account = upsert_account(session, args.email, args.password, args.name,
                                 [r.strip() for r in args.roles.split(",") if r.strip()])
        print(f"account {account.email} ({', '.join(account.roles)})")
    return 0


def _mail_relay(settings, engine) -> dict:
    from glos_chassis.db import make_session_factory

    from .mail import MailRelay

    relay = MailRelay(make_session_factory(engine), host=settings.smtp_host, port=settings.smtp_port,
                      sender=settings.mail_from)
    return {"mail-relay": relay.run}


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="identity-svc", settings_cls=IdentitySettings, service_root=SERVICE_ROOT,
                        outbox=outbox, extra_loops=_mail_relay, commands={"seed-account": (_seed_arguments, _seed)})


if __name__ == "__main__":
    sys.exit(main())
