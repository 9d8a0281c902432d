"""The body of every service's migrations/env.py: online migrations against the service's own database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine, pool


def run_migrations(metadata: MetaData, database_url: str | None) -> None:
    config = context.config
    url = config.attributes.get("database_url") or database_url
    if not url:
        raise SystemExit("no database URL for migrations (set the service's *_DATABASE_URL)")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
