"""proposals-svc's tables: editions (campaigns) with their areas and dated phases, proposals (wnioski) with
their versions, support, reviews, change requests and appeals, conflicts between proposals, departments,
and a projection of which accounts are verified residents (from identity-svc's events)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (BigInteger, CheckConstraint, DateTime, Float, ForeignKey, Integer, LargeBinary, String,
                        Text, UniqueConstraint, func)
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
    # participatory_budget (with a vote) | local_initiative (the same pipeline, then scoring and agreed terms)
    kind: Mapped[str] = mapped_column(String(30), default="participatory_budget", server_default="participatory_budget")
    # where the edition is now (see phases.PHASES); moved by the worker's scheduler at the phases' dates or by
    # an official
    current_phase: Mapped[str] = mapped_column(String(40), default="preparation", server_default="preparation")
    phase_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the office's settings for proposals (see schemas.EditionSettingsSchema for the fields and defaults)
    settings: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")


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
    # the area's boundary on the map: a GeoJSON Polygon or MultiPolygon (lon, lat), from the city's GIS file
    outline: Mapped[dict | None] = mapped_column(JSONB, nullable=True)


class EditionPhase(Base):
    """One dated phase of an edition's schedule."""

    __tablename__ = "edition_phases"

    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(40), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VotingExtension(Base):
    """Voting extended past its scheduled end, with the reason residents are told (an outage, typically)."""

    __tablename__ = "voting_extensions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    previous_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(1000))
    outage_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extended_by: Mapped[str] = mapped_column(String(64))
    extended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Department(Base):
    """A city department (komórka merytoryczna) that verifies proposals on substance. Its code is the scope of
    a department_reviewer role in identity-svc."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Proposal(Base):
    """A resident's project proposal (wniosek). Costs are whole złoty; `cost` is the sum of `cost_items`
    (or the imported cost)."""

    __tablename__ = "proposals"
    __table_args__ = (CheckConstraint("cost >= 0", name="cost_not_negative"), UniqueConstraint("edition_id", "external_id"))

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
    justification: Mapped[str] = mapped_column(Text, default="", server_default="")
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
    location_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    cost_items: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")
    beneficiaries: Mapped[str] = mapped_column(Text, default="", server_default="")
    universal_design: Mapped[str] = mapped_column(Text, default="", server_default="")
    coauthors: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")  # account ids
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the last negative decision, its stage and reason: what an appeal answers and its deadline counts from
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rejection_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    city_cost_estimate: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # a local initiative's applicants' own contribution: {"work": str, "goods": str, "money": int}
    contribution: Mapped[dict | None] = mapped_column(JSONB, nullable=True)


class ProposalVersion(Base):
    """What a proposal said at each version: version 1 at submission, one more per accepted change."""

    __tablename__ = "proposal_versions"

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Attachment(Base):
    """A file attached to a proposal (a map, a photo, a price offer). Type and size are checked on upload."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Support(Base):
    """One resident backing one proposal: `account:<id>` online or from a paper list, or `person:<hash>` from a
    paper list (a signatory without an account; identity-svc keeps who it is)."""

    __tablename__ = "supports"

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    supporter_ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # online | paper
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Review(Base):
    """A verification decision: formal (checklist) or substantive (a department's findings)."""

    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # formal | substantive
    department_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # positive | negative | returned
    findings: Mapped[dict] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ChangeRequest(Base):
    """An official's proposed change (uzgodnienie): the applicant accepts or refuses it by a deadline."""

    __tablename__ = "change_requests"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text)
    respond_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | accepted | refused | expired
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    response_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    resulting_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # who must agree: the applicant, and for a merge each merged proposal's applicant too ({account: true|null})
    consents: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Appeal(Base):
    """An applicant's appeal (odwołanie) against a negative verification, decided by a coordinator."""

    __tablename__ = "appeals"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # the verification appealed against: formal | substantive
    statement: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | upheld | dismissed
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Conflict(Base):
    """Two proposals that cannot both go ahead (marked by an official) or whose locations are closer than the
    edition's distance (found by the check). Open conflicts block the ballot's publication."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("proposal_a", "proposal_b", "kind"),
                      CheckConstraint("proposal_a < proposal_b", name="ordered_pair"))

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    proposal_a: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"))
    proposal_b: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"))
    kind: Mapped[str] = mapped_column(String(20))  # exclusive | nearby
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | resolved
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ListPublication(Base):
    """The published lists of qualified and rejected proposals: a snapshot, so what was published stays."""

    __tablename__ = "list_publications"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    lists: Mapped[dict] = mapped_column(JSONB)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ResidentView(Base):
    """Who is a verified resident and of which district, as identity-svc announces it (`resident.verified`).
    Only the account id, the district and the level: no personal data crosses into this service."""

    __tablename__ = "resident_views"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    district: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Implementation(Base):
    """The realisation of a winning PB project or an agreed local initiative: what residents follow after the
    vote. Departments report dated updates; each is kept."""

    __tablename__ = "implementations"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), unique=True)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("editions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # pb_project | local_initiative
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True, index=True)
    # planned | in_preparation | in_progress | completed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="planned")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ImplementationUpdate(Base):
    """One dated report on a project's realisation, by the department (or the office)."""

    __tablename__ = "implementation_updates"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    implementation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("implementations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InitiativeTerms(Base):
    """The terms of a local initiative's agreement (umowa), proposed by the office, accepted by the applicant."""

    __tablename__ = "initiative_terms"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    terms: Mapped[dict] = mapped_column(JSONB)
    proposed_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | accepted | refused
    response_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
