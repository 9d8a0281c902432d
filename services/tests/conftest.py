"""The chassis's tests use their own database (glos_chassis) on the test stack, with throwaway tables."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, create_engine

from glos_chassis.consumer import define_processed_events_table
from glos_chassis.db import make_session_factory
from glos_chassis.outbox import define_outbox_table

metadata = MetaData()
outbox = define_outbox_table(metadata)
processed = define_processed_events_table(metadata)
# What the test consumer's handler writes: one row per handled event, in handling order.
received = Table("received", metadata,
                 Column("seq_no", BigInteger, primary_key=True, autoincrement=True),
                 Column("event_id", String(64), nullable=False),
                 Column("run", String(64), nullable=False),
                 Column("subject", String(64), nullable=False),
                 Column("position", Integer, nullable=False))


@pytest.fixture(scope="session")
def tables() -> SimpleNamespace:
    return SimpleNamespace(outbox=outbox, processed=processed, received=received)


@pytest.fixture(scope="session")
def chassis_engine(test_stack):
    engine = create_engine(os.environ["GLOS_TEST_CHASSIS_DATABASE_URL"], pool_size=10)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def chassis_sessions(chassis_engine):
    return make_session_factory(chassis_engine)


@pytest.fixture(scope="session")
def bootstrap_servers(test_stack) -> str:
    return os.environ["KAFKA_BOOTSTRAP_SERVERS"]
