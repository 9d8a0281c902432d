"""The audit trail of staff actions: who, when, what, on what, why — the same table in every service that
has staff actions, written in the same transaction as the action.

    class AuditEntry(AuditEntryMixin, Base):
        __tablename__ = "audit_log"
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


class AuditEntryMixin:
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


AUDIT_READERS = ("admin", "coordinator", "pb_official")
PAGE_MAX = 200


def audit_blueprint(entry_model, *, service: str):
    """`GET /audit`: the service's audit trail for office staff, newest first, filtered and paged.

    Every service that keeps an audit table registers it; the office's viewer (web/) reads all four. Paging is
    by id (`before_id`, the `next_before_id` of the previous page), which stays right while rows are added."""
    import marshmallow as ma
    from flask.views import MethodView
    from flask_smorest import Blueprint
    from sqlalchemy import select

    from .auth import require
    from .db import session_scope
    from .web import db_sessions

    class AuditQuerySchema(ma.Schema):
        actor = ma.fields.String(validate=ma.validate.Length(max=64))
        action = ma.fields.String(validate=ma.validate.Length(max=100),
                                  metadata={"description": "exact, or a prefix ending in '.' (comment.)"})
        target = ma.fields.String(validate=ma.validate.Length(max=200))
        since = ma.fields.AwareDateTime()
        until = ma.fields.AwareDateTime()
        before_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**62))
        limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, PAGE_MAX))

    class AuditEntrySchema(ma.Schema):
        id = ma.fields.Integer(required=True)
        service = ma.fields.String(required=True)
        actor = ma.fields.String(required=True)
        action = ma.fields.String(required=True)
        target = ma.fields.String(required=True)
        reason = ma.fields.String(required=True)
        details = ma.fields.Dict(required=True)
        at = ma.fields.AwareDateTime(required=True)

    class AuditPageSchema(ma.Schema):
        entries = ma.fields.List(ma.fields.Nested(AuditEntrySchema), required=True)
        next_before_id = ma.fields.Integer(required=True, allow_none=True)

    blp = Blueprint("audit", __name__, url_prefix="/audit",
                    description="Rejestr działań pracowników / The staff actions' audit trail")

    @blp.route("")
    class AuditTrail(MethodView):
        @require(any_of=AUDIT_READERS)
        @blp.arguments(AuditQuerySchema, location="query")
        @blp.response(200, AuditPageSchema)
        def get(self, query):
            """Kto, kiedy, co, na czym i dlaczego (najnowsze najpierw) / Who, when, what, on what, why"""
            statement = select(entry_model).order_by(entry_model.id.desc()).limit(query["limit"] + 1)
            if query.get("actor"):
                statement = statement.where(entry_model.actor == query["actor"])
            if query.get("action"):
                action = query["action"]
                statement = statement.where(entry_model.action.startswith(action, autoescape=True)
                                            if action.endswith(".") else entry_model.action == action)
            if query.get("target"):
                statement = statement.where(entry_model.target == query["target"])
            if query.get("since"):
                statement = statement.where(entry_model.at >= query["since"])
            if query.get("until"):
                statement = statement.where(entry_model.at < query["until"])
            if query.get("before_id"):
                statement = statement.where(entry_model.id < query["before_id"])
            with session_scope(db_sessions()) as session:
                rows = list(session.scalars(statement))
                more = len(rows) > query["limit"]
                rows = rows[:query["limit"]]
                entries = [{"id": r.id, "service": service, "actor": r.actor, "action": r.action, "target": r.target,
                            "reason": r.reason, "details": r.details or {}, "at": r.at} for r in rows]
            return {"entries": entries, "next_before_id": rows[-1].id if more else None}

    return blp
