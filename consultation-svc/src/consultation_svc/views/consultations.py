"""A consultation: announced, edited before it opens, its moderators, opened and closed."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import consultations, remarks
from ..models import Consultation
from ..schemas import (ConsultationCreateSchema, ConsultationEditSchema, ConsultationSchema, ConsultationWorkSchema,
                       EDITABLE, ModeratorSchema, StatusChangeSchema)
from .common import consultations_blp


@consultations_blp.route("")
class Consultations(MethodView):
    @consultations_blp.response(200, ConsultationSchema(many=True))
    def get(self):
        """Lista konsultacji / List consultations"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Consultation).order_by(Consultation.created_at.desc())))

    @require(role="coordinator")
    @consultations_blp.arguments(ConsultationCreateSchema)
    @consultations_blp.response(201, ConsultationSchema)
    def post(self, body):
        """Ogłoś konsultacje (koordynator) / Announce a consultation (coordinator)"""
        with session_scope(db_sessions()) as session:
            return consultations.create(session, actor=current_principal().subject, **body)


@consultations_blp.route("/<uuid:consultation_id>")
class ConsultationById(MethodView):
    @consultations_blp.response(200, ConsultationSchema)
    def get(self, consultation_id):
        """Konsultacja / A consultation"""
        with session_scope(db_sessions()) as session:
            return consultations.get(session, consultation_id)

    @require(role="coordinator")
    @consultations_blp.arguments(ConsultationEditSchema(partial=EDITABLE))
    @consultations_blp.response(200, ConsultationSchema)
    def patch(self, body, consultation_id):
        """Zmień ogłoszenie przed otwarciem, z uzasadnieniem / Change the announcement before it opens"""
        reason = body.pop("reason")
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return consultations.edit(session, consultation, actor=current_principal().subject, reason=reason,
                                      **body)


@consultations_blp.route("/<uuid:consultation_id>/moderators")
class Moderators(MethodView):
    @require(role="coordinator")
    @consultations_blp.arguments(ModeratorSchema)
    @consultations_blp.response(201, ModeratorSchema(only=("account_id",)))
    def post(self, body, consultation_id):
        """Przypisz moderatora / Assign a moderator"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.assign_moderator(session, consultation, account_id=str(body["account_id"]),
                                           actor=current_principal().subject, reason=body["reason"])
            return {"account_id": body["account_id"]}


@consultations_blp.route("/work")
class WaitingWork(MethodView):
    @require()
    @consultations_blp.response(200, ConsultationWorkSchema(many=True))
    def get(self):
        """Co czeka na prowadzących: kolejka moderacji i uwagi do odpowiedzi / What waits for the caller"""
        with session_scope(db_sessions()) as session:
            return remarks.waiting_work(session, current_principal())


@consultations_blp.route("/<uuid:consultation_id>/status")
class Status(MethodView):
    @require(role="coordinator")
    @consultations_blp.arguments(StatusChangeSchema)
    @consultations_blp.response(200, ConsultationSchema)
    def post(self, body, consultation_id):
        """Otwórz lub zamknij ręcznie, z uzasadnieniem / Open or close by hand, with a reason"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return consultations.change_status(session, consultation, body["status"],
                                               actor=current_principal().subject, reason=body["reason"],
                                               confirm_pending=body["confirm_pending"])


