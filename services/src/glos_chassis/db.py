"""SQLAlchemy engine and a session scope that commits or rolls back as one unit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Named constraints, so Alembic migrations and 409 answers can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def declarative_base() -> type[DeclarativeBase]:
    """A declarative base with its own metadata (one per service) and named constraints."""
    class ServiceBase(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return ServiceBase


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    # hide_parameters: an error message must never carry a bound value (a PESEL, say) into a log line.
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True, hide_parameters=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: everything inside commits together or not at all."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
