"""identity-svc's tables. Personal data lives here and nowhere else in the platform."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from glos_chassis.audit import AuditEntryMixin
from glos_chassis.consumer import define_processed_events_table
from glos_chassis.db import declarative_base
from glos_chassis.outbox import define_outbox_table

Base = declarative_base()
outbox = define_outbox_table(Base.metadata)
processed_events = define_processed_events_table(Base.metadata)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(50)), default=list)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # roles bound to something: {"department_reviewer": ["dept:roads"], "moderator": ["consultation:*"]}
    role_scopes: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SigningKey(Base):
    """An RSA key pair for access tokens. The private half is encrypted with IDENTITY_KEY_PASSPHRASE."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # published in the JWKS
    # A new key is published first and signs only from this time on, so that every verifier's cached
    # JWKS knows it before the first token signed with it arrives.
    signs_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Resident(Base):
    """A person verified as a resident. PESEL is kept as a keyed hash (for lookups and uniqueness) and an
    encrypted copy (to show an official); names and address are encrypted too. Nothing here leaves the
    service."""

    __tablename__ = "residents"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    pesel_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pesel_encrypted: Mapped[str] = mapped_column(Text)
    first_name_encrypted: Mapped[str] = mapped_column(Text)
    last_name_encrypted: Mapped[str] = mapped_column(Text)
    address_encrypted: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(100))
    # how far the person is verified: declared (residency declaration), census (matched the city's
    # register), in_person (an official checked an ID at a consultation point)
    verification_level: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    verified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    verification_method: Mapped[str] = mapped_column(String(100))


class EditionEligibility(Base):
    """The eligibility rules of one PB edition, as identity-svc evaluates them for a voter credential."""

    __tablename__ = "edition_eligibility"

    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    voting_day: Mapped[date] = mapped_column(Date)
    min_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    guardian_consent_under: Mapped[int | None] = mapped_column(Integer, nullable=True)
    residency: Mapped[str] = mapped_column(String(20))  # census | declaration | either
    # set when the rules came with the published ballot (`ballot.published`): frozen from then on
    rules_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class AuditEntry(AuditEntryMixin, Base):
    """Every state change made by staff: who, when, what, on what, why."""

    __tablename__ = "audit_log"


class IssuedCredential(Base):
    """That a voter key got a credential for an edition (and through which channel) — no personal data."""

    __tablename__ = "issued_credentials"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    voter_key: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # online | paper
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RefreshToken(Base):
    """A refresh token, stored only as its SHA-256. Tokens of one login form a family: each refresh uses up
    one token and issues the next; presenting a used token again means it was stolen, and the whole family
    is revoked."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OutgoingMail(Base):
    """Mail to send, written in the same transaction as what it announces; the worker's mail relay sends it
    over SMTP and retries what failed. Addresses stay in this database."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # notifications carry a one-click unsubscribe address (RFC 8058); account mail does not
    list_unsubscribe: Mapped[str | None] = mapped_column(Text, nullable=True)


class NotificationOptOut(Base):
    """A person who asked for no more notifications (their proposals, consultations). Mail about the account
    itself — confirmation, password reset — still goes out."""

    __tablename__ = "notification_optouts"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CensusList(Base):
    """One upload of the city's register of eligible residents. Exactly one list is active; a re-import
    replaces it in one transaction."""

    __tablename__ = "census_lists"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    accepted_rows: Mapped[int] = mapped_column(Integer)
    rejected_rows: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class CensusEntry(Base):
    """A resident on a census list: the PESEL's keyed hash, the district and the birth date the PESEL encodes
    (for aggregated counts by age — eligible residents per district — never shown one by one)."""

    __tablename__ = "census_entries"

    list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("census_lists.id", ondelete="CASCADE"), primary_key=True)
    pesel_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    district: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class CensusImport(Base):
    """A census upload run in the background, so the office watches it go: rows read out of the file's total,
    then the report (rejected rows by number and reason, never their content). The file itself is never
    stored — it holds names and PESELs — and lives only in the importing process's memory for the run."""

    __tablename__ = "census_imports"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | failed
    requested_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    total_rows: Mapped[int] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    # the importing thread touches this as it goes; a queued or running import not heard from for long
    # died with its process (see census_imports.STALE_AFTER)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    list_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # the list it made (no FK: lists go)
    report: Mapped[dict | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(String(40))  # interrupted | server_error


class District(Base):
    """The city's districts (osiedla, dzielnice): the only names a resident's district can take. The office
    keeps the list; the street register maps addresses onto it."""

    __tablename__ = "districts"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StreetDistrict(Base):
    """The city's street register: which district (area) a street belongs to. Addresses map through it."""

    __tablename__ = "street_districts"

    street: Mapped[str] = mapped_column(String(200), primary_key=True)  # normalised: see addresses.normalise
    district: Mapped[str] = mapped_column(String(100))


class SupportSignature(Base):
    """One line of a proposal's paper support list (lista poparcia), entered by an official. The PESEL and
    names stay here, encrypted; proposals-svc only learns a pseudonymous reference that counts."""

    __tablename__ = "support_signatures"
    __table_args__ = (UniqueConstraint("proposal_id", "pesel_hash"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    edition_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    pesel_hash: Mapped[str] = mapped_column(String(64))
    pesel_encrypted: Mapped[str] = mapped_column(Text)
    first_name_encrypted: Mapped[str] = mapped_column(Text)
    last_name_encrypted: Mapped[str] = mapped_column(Text)
    sheet: Mapped[str] = mapped_column(String(100))  # which paper sheet, as the office numbers them
    supporter_ref: Mapped[str] = mapped_column(String(100))
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
