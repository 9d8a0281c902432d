"""identity-svc commands: migrate, worker, seed-account, add-districts, census-import, key rotation."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from . import handlers, notifications
from .config import IdentitySettings
from .models import outbox, processed_events

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


def _seed_voters_arguments(parser) -> None:
    parser.description = ("synthetic voters for load tests and demos (development only): one online credential per "
                          "line of DISTRICTS, each for a made-up person of that district, written to --out")
    parser.add_argument("edition_id", type=__import__("uuid").UUID)
    parser.add_argument("districts", help="a file with one district name per line, one voter each")
    parser.add_argument("--out", required=True, help="where to write the credentials, one per line")
    parser.add_argument("--first", type=int, default=0, help="number of the first made-up person (to add more)")


def _seed_voters(args, settings) -> int:
    """Credentials through the same `credentials.issue` as the API, signed with the active key; only the
    per-person account and login are skipped (argon2 per login would take an hour for a city)."""
    from datetime import date, timedelta

    from stdnum.pl import pesel as stdnum_pesel

    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from . import credentials
    from .keys import active_private_key
    from .personal_data import vault_from

    districts = [line.strip() for line in open(args.districts, encoding="utf-8") if line.strip()]
    vault = vault_from(settings)
    factory = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with session_scope(factory) as session, open(args.out, "w", encoding="utf-8") as out:
        signing_key = active_private_key(session, settings.key_passphrase.get_secret_value().encode())
        for i, district in enumerate(districts, start=args.first):
            birth = date(1950, 1, 1) + timedelta(days=i % 18000)
            month = birth.month + (20 if birth.year >= 2000 else 0)
            digits = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{i // 18000 % 10000:04d}"
            pesel = digits + stdnum_pesel.calc_check_digit(digits)
            person = credentials.RegisteredPerson(birth_date=birth, district=district)
            issued = credentials.issue(session, vault=vault, settings=settings, edition_id=args.edition_id,
                                       resident=person, guardian_consent=True, channel="online",
                                       issued_by="seed-voters", pesel=pesel, signing_key=signing_key)
            out.write(issued["credential"] + "\n")
            if i % 5000 == 4999:
                session.flush()
    print(f"{len(districts)} credentials for edition {args.edition_id} in {args.out}")
    return 0


def _seed_residents_arguments(parser) -> None:
    parser.description = ("made-up residents with accounts for load tests and demos (development only): one confirmed "
                          "account per line of DISTRICTS, all with PASSWORD, each with a declared residency; their "
                          "e-mail addresses are written to --out")
    parser.add_argument("districts", help="a file with one district name per line, one resident each")
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", required=True, help="where to write the e-mail addresses, one per line")
    parser.add_argument("--prefix", default="mieszkaniec-obciazenie", help="the addresses' local part")


def _seed_residents(args, settings) -> int:
    """Accounts and residency declarations through the same use cases as the API (declare_residency publishes
    resident.verified). The password is hashed once for all of them: argon2 per account would dominate."""
    import uuid
    from datetime import UTC, date, datetime, timedelta

    from stdnum.pl import pesel as stdnum_pesel

    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from . import residents
    from .models import Account
    from .personal_data import vault_from
    from .service import hasher

    districts = [line.strip() for line in open(args.districts, encoding="utf-8") if line.strip()]
    vault = vault_from(settings)
    password_hash = hasher.hash(args.password)
    run = uuid.uuid4().hex[:8]
    factory = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with session_scope(factory) as session, open(args.out, "w", encoding="utf-8") as out:
        for i, district in enumerate(districts):
            email = f"{args.prefix}-{run}-{i:06d}@glos.local"
            account = Account(email=email, password_hash=password_hash, display_name=f"Mieszkaniec {i}",
                              roles=["resident"], email_confirmed_at=datetime.now(UTC))
            session.add(account)
            session.flush()
            birth = date(1950, 1, 1) + timedelta(days=uuid.uuid4().int % 18000)
            digits = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{uuid.uuid4().int % 10000:04d}"
            residents.declare_residency(session, vault, account.id, pesel=digits + stdnum_pesel.calc_check_digit(digits),
                                        first_name="Jan", last_name=f"Obciążeniowy {i}", address="ul. Testowa 1",
                                        district=district)
            out.write(email + "\n")
    print(f"{len(districts)} residents in {args.out}")
    return 0


def _census_arguments(parser) -> None:
    parser.description = "import the city's register of eligible residents (CSV), replacing the active list"
    parser.add_argument("file")
    parser.add_argument("--reason", required=True)
    parser.add_argument("--actor", default="cli", help="who runs the import (for the audit trail)")
    parser.add_argument("--report", help="write the rejected-rows report (JSON) here")


def _census_import(args, settings) -> int:
    import json
    from pathlib import Path

    from tqdm import tqdm

    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from .addresses import resolver
    from .census import import_census
    from .personal_data import vault_from

    text = Path(args.file).read_text(encoding="utf-8-sig")
    factory = make_session_factory(make_engine(settings.database_url.get_secret_value()))
    with tqdm(total=text.count("\n"), unit="row", desc="census") as bar, session_scope(factory) as session:
        report = import_census(session, vault_from(settings), text, actor=args.actor, reason=args.reason,
                               resolve_address=resolver(session), progress=bar.update)
        bar.update(bar.total - bar.n)
    summary = report.as_dict()
    if args.report:
        Path(args.report).write_text(json.dumps(summary, indent=2))
    print(f"accepted {summary['accepted_rows']}, rejected {summary['rejected_rows']}, "
          f"residents matched {summary['residents_matched']}")
    return 0


def _districts_arguments(parser) -> None:
    parser.description = "add the city's districts (a file with one name per line) to the list residents choose from"
    parser.add_argument("file")
    parser.add_argument("--reason", required=True)
    parser.add_argument("--actor", default="cli", help="who adds them (for the audit trail)")


def _add_districts(args, settings) -> int:
    from pathlib import Path

    from glos_chassis.db import make_engine, make_session_factory, session_scope

    from . import districts

    wanted = [line.strip() for line in Path(args.file).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    with session_scope(make_session_factory(make_engine(settings.database_url.get_secret_value()))) as session:
        listed = districts.add(session, wanted, actor=args.actor, reason=args.reason)
    print(f"{len(listed)} districts on the city's list")
    return 0


def _rotate_arguments(parser) -> None:
    parser.description = "publish a new signing key that starts signing after the overlap"
    parser.add_argument("--overlap-s", type=int, default=600,
                        help="seconds before it signs; longer than verifiers cache the JWKS (300 s)")


def _rotate(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory

    from .keys import rotate

    key = rotate(make_session_factory(make_engine(settings.database_url.get_secret_value())),
                 settings.key_passphrase.get_secret_value().encode(), args.overlap_s)
    print(f"new key {key.kid} published; signs from {key.signs_from.isoformat()}")
    return 0


def _retire_arguments(parser) -> None:
    parser.description = "stop publishing an old signing key (after its last tokens have expired)"
    # A kid is a base64url thumbprint and may begin with "-", which argparse would read as an option:
    # the help says to put it after "--", as the rotation message and the tests do.
    parser.add_argument("kid", help='the key id; write "-- KID" if it begins with "-"')


def _retire(args, settings) -> int:
    from glos_chassis.db import make_engine, make_session_factory

    from .keys import retire

    try:
        done = retire(make_session_factory(make_engine(settings.database_url.get_secret_value())), args.kid)
    except ValueError as exc:
        print(f"identity-svc: {exc}", file=sys.stderr)
        return 2
    print(f"key {args.kid} {'retired' if done else 'was not an active key'}")
    return 0 if done else 1


def _mail_relay(settings, engine) -> dict:
    from glos_chassis.db import make_session_factory

    from .mail import MailRelay

    relay = MailRelay(make_session_factory(engine), host=settings.smtp_host, port=settings.smtp_port,
                      sender=settings.mail_from)
    return {"mail-relay": relay.run}


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="identity-svc", settings_cls=IdentitySettings, service_root=SERVICE_ROOT,
                        outbox=outbox, extra_loops=_mail_relay,
                        consumers=lambda settings: [
                            (handlers.GROUP_ID, handlers.TOPICS, processed_events, handlers.HANDLERS),
                            (notifications.GROUP_ID, notifications.TOPICS, processed_events,
                             notifications.Notifier(settings).handlers)],
                        commands={"seed-account": (_seed_arguments, _seed),
                                  "seed-voters": (_seed_voters_arguments, _seed_voters),
                                  "seed-residents": (_seed_residents_arguments, _seed_residents),
                                  "add-districts": (_districts_arguments, _add_districts),
                                  "census-import": (_census_arguments, _census_import),
                                  "rotate-key": (_rotate_arguments, _rotate),
                                  "retire-key": (_retire_arguments, _retire)})


if __name__ == "__main__":
    sys.exit(main())
