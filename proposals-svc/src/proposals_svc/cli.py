"""proposals-svc commands: migrate, worker."""

from __future__ import annotations

import sys
from pathlib import Path

from glos_chassis.cli import service_main

from .config import ProposalsSettings
from .models import outbox

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, prog="proposals-svc", settings_cls=ProposalsSettings, service_root=SERVICE_ROOT,
                        outbox=outbox)


if __name__ == "__main__":
    sys.exit(main())
