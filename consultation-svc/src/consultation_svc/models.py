"""consultation-svc's tables: consultations with their moderators, surveys (questions, responses), documents
split into sections with comments, reactions and flags, moderation decisions and banned words, meetings with
registrations, the remarks every report must answer, and the report's versions. Plus a projection of who is a
verified resident of which district (from identity-svc's events)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, func, text)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from glos_chassis.audit import AuditEntryMixin
from glos_chassis.consumer import define_processed_events_table
from glos_chassis.db import declarative_base
from glos_chassis.outbox import define_outbox_table

Base = declarative_base()
outbox = define_outbox_table(Base.metadata)
processed_events = define_processed_events_table(Base.metadata)


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Consultation(Base):
    """A public consultation (konsultacje społeczne) on one subject, its scope, forms, dates and settings."""

    __tablename__ = "consultations"

    id: Mapped[uuid.UUID] = _id()
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the districts it concerns (the same names identity-svc uses); empty means the whole city
    scope_districts: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")
    forms: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")  # survey, comments, meetings, debate
    # who may take part: residents_in_scope | registered | anonymous_survey (a survey open to anyone)
    participation: Mapped[str] = mapped_column(String(30), default="residents_in_scope", server_default="residents_in_scope")
    department: Mapped[str] = mapped_column(String(100), default="", server_default="")
    moderation: Mapped[str] = mapped_column(String(10), default="post", server_default="post")  # pre | post
    flag_threshold: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    responses_editable: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # announced | open | closed | report_published
    status: Mapped[str] = mapped_column(String(30), default="announced")
    created_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime] = _created()


class ConsultationModerator(Base):
    __tablename__ = "consultation_moderators"

    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = _created()


class Question(Base):
    """One survey question. `spec` holds what the type needs (options, limits, scale, rows) and `condition`
    when it is shown: {"question": code, "any_of": [values]}."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("consultation_id", "code"),)

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    spec: Mapped[dict] = mapped_column(JSONB, default=dict)
    condition: Mapped[dict | None] = mapped_column(JSONB, nullable=True)


class SurveyResponse(Base):
    """One response. `respondent` is the account id when the consultation needs a login (one response each);
    for an anonymous survey it is NULL and nothing else here can lead back to a person."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("uq_survey_responses_respondent", "consultation_id", "respondent", unique=True,
                            postgresql_where=text("respondent IS NOT NULL")),)

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    respondent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    district: Mapped[str | None] = mapped_column(String(100), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(10), nullable=True)
    answers: Mapped[dict] = mapped_column(JSONB)
    submitted_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _created()


class Document(Base):
    """A document put to consultation, split into sections with stable anchors."""

    __tablename__ = "documents"

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = _created()


class Section(Base):
    """One section (paragraph) of a document at one version; a changed text is a new version, the old kept, so a
    comment always points at the words it answered."""

    __tablename__ = "sections"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    anchor: Mapped[str] = mapped_column(String(50), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()


class Comment(Base):
    """A resident's comment on a document (a section or the whole), or a reply in a thread.

    status: pending (awaiting pre-moderation, or held for a banned word) · published · hidden (by a moderator,
    with a reason the author sees) · flagged (hidden after N flags until a moderator decides)."""

    __tablename__ = "comments"

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"))
    section_anchor: Mapped[str | None] = mapped_column(String(50), nullable=True)
    section_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("comments.id"), nullable=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    held_for: Mapped[str | None] = mapped_column(String(200), nullable=True)  # why it waits for a moderator
    hidden_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    moderator_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # a moderator kept the comment after looking at its flags: only flags after this put it back in the queue
    flags_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = _created()


class CommentReaction(Base):
    __tablename__ = "comment_reactions"

    comment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # support | oppose
    created_at: Mapped[datetime] = _created()


class CommentFlag(Base):
    __tablename__ = "comment_flags"

    comment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = _created()


class BannedWord(Base):
    """A word (a stem: it matches the words it begins) that holds a comment for review. A Polish vulgarity list
    ships with the project (migration 0002); coordinators edit it."""

    __tablename__ = "banned_words"

    stem: Mapped[str] = mapped_column(String(100), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = _created()


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str | None] = mapped_column(String(300), nullable=True)
    online_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[str | None] = mapped_column(Text, nullable=True)  # protokół
    minutes_added_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = _created()


class Registration(Base):
    """A place at a meeting: confirmed, or waitlisted in order of registration until a place frees up."""

    __tablename__ = "registrations"
    __table_args__ = (Index("uq_registrations_active", "meeting_id", "account_id", unique=True,
                            postgresql_where=text("status <> 'cancelled'")),)

    id: Mapped[uuid.UUID] = _id()
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # confirmed | waitlisted | cancelled
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = _created()


class Remark(Base):
    """Everything said in a consultation that the report must answer: a comment, an open survey answer, a remark
    at a meeting, an e-mail entered by staff. The reply is written by the responsible department (or the
    consultation's moderator) and approved by a coordinator."""

    __tablename__ = "remarks"
    __table_args__ = (UniqueConstraint("consultation_id", "kind", "source"),)

    id: Mapped[uuid.UUID] = _id()
    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # comment | open_answer | meeting | email
    source: Mapped[str] = mapped_column(String(200))  # what it came from, unique per consultation
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)  # an account to notify, if known
    body: Mapped[str] = mapped_column(Text)
    # what the remark is about, so the report groups it: a document's section (or the whole document), or a
    # survey question; meeting remarks and e-mails have neither
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    section_anchor: Mapped[str | None] = mapped_column(String(50), nullable=True)
    question_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # one reply may answer several alike remarks: the others point at the remark that carries it
    shares_reply_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("remarks.id", ondelete="SET NULL"),
                                                              nullable=True)
    # pending | accepted | partly_accepted | not_accepted | not_applicable
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = _created()


class ReportVersion(Base):
    __tablename__ = "report_versions"

    consultation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consultations.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created()


class ResidentView(Base):
    """Verified residents as identity-svc announces them: account id, district, age band. No personal data."""

    __tablename__ = "resident_views"

    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    district: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(10), nullable=True)


class AuditEntry(AuditEntryMixin, Base):
    """Every staff action: who, when, what, on what, why."""

    __tablename__ = "audit_log"
