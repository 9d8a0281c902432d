"""consultation-svc commands: migrate, worker (outbox relay, identity-event consumer, the scheduler that opens and
closes consultations and sends meeting reminders)."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import ConsultationSettings
from . import handlers
from .models import outbox, processed_events

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def _scheduler(settings, engine) -> dict:
    from glos_chassis.db import make_session_factory

    from .consultations import Scheduler

    return {"scheduler": Scheduler(make_session_factory(engine)).run}


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="consultation-svc", settings_cls=ConsultationSettings, service_root=SERVICE_ROOT,
                        outbox=outbox, extra_loops=_scheduler,
                        consumers=lambda settings: [(handlers.GROUP_ID, handlers.TOPICS, processed_events,
                                                     handlers.HANDLERS)])


if __name__ == "__main__":
    sys.exit(main())
