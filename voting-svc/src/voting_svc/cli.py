"""voting-svc commands: migrate, worker (outbox relay + projection consumer)."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import VotingSettings
from . import handlers, tally
from .models import outbox, processed_events

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="voting-svc", settings_cls=VotingSettings, service_root=SERVICE_ROOT,
                        outbox=outbox, consumers=lambda settings: [
                            (handlers.GROUP_ID, handlers.TOPICS, processed_events, handlers.HANDLERS),
                            (tally.GROUP_ID, tally.TOPICS, processed_events, tally.HANDLERS)])


if __name__ == "__main__":
    sys.exit(main())
