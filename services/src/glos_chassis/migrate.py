"""Apply a service's Alembic migrations from code (used by each service's `migrate` command)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def upgrade(service_root: Path, database_url: str, revision: str = "head") -> None:
    cfg = Config(str(service_root / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_root / "migrations"))
    cfg.attributes["database_url"] = database_url
    command.upgrade(cfg, revision)
