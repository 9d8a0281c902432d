"""proposals-svc's tables: editions (campaigns) and proposals (wnioski). The full lifecycle comes later."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from glos_chassis.audit import AuditEntryMixin
from glos_chassis.consumer import define_processed_events_table
from glos_chassis.db import declarative_base
from glos_chassis.outbox import define_outbox_table

Base = declarative_base()
outbox = define_outbox_table(Base.metadata)
processed_events = define_processed_events_table(Base.metadata)


class Edition(Base):
    """One participatory-budget campaign (edycja Budżetu Obywatelskiego)."""

    __tablename__ = "editions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    city: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The voting rules, editable until the ballot is published; then frozen with the SHA-256 of their
    # canonical JSON, which the ballot.published event carries.
    voting_rules: Mapped[dict | None] = mapped_column(JSONB, nullable=True)
    rules_frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rules_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditEntry(AuditEntryMixin, Base):
    """Every state change made by staff: who, when, what, on what, why."""

    __tablename__ = "audit_log"


class Area(Base):
    """A pool of an edition: the city-wide pool or one district's (osiedle), with its own budget and an
    optional limit on one project's cost."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("edition_id", "name"), CheckConstraint("budget > 0", name="budget_positive"))

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # city | district
    budget: Mapped[int] = mapped_column(BigInteger)
    max_project_cost: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Proposal(Base):
    """A resident's project proposal (wniosek). Costs are whole złoty."""

    __tablename__ = "proposals"
    __table_args__ = (CheckConstraint("cost > 0", name="cost_positive"), UniqueConstraint("edition_id", "external_id"))

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(BigInteger)
    author: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30), default="submitted")
    area_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    # the project's id in an imported source (a Pabulib file), unique within the edition
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
