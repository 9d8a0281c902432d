from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .models import Consultation

blp = Blueprint("consultations", __name__, url_prefix="/consultations",
                description="Konsultacje społeczne / Public consultations")


class ConsultationSchema(Schema):
    id = fields.UUID(dump_only=True)
    subject = fields.String()
    status = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


@blp.route("")
class Consultations(MethodView):
    @blp.response(200, ConsultationSchema(many=True))
    def get(self):
        """Lista konsultacji / List consultations"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Consultation).order_by(Consultation.created_at.desc())))
