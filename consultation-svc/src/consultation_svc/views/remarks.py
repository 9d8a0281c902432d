"""Remarks to answer in the report: listed, replied to, approved."""

from __future__ import annotations

from flask.views import MethodView

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import optional_token
from glos_chassis.web import db_sessions

from .. import consultations, remarks, shared
from ..schemas import (EmailRemarkSchema, ModerationSummarySchema, OpenAnswerSchema, RemarkQuerySchema,
                       RemarkSchema, ReplySchema)
from .common import consultations_blp, remarks_blp


@consultations_blp.route("/<uuid:consultation_id>/remarks")
class Remarks(MethodView):
    @optional_token
    @consultations_blp.arguments(RemarkQuerySchema, location="query")
    @consultations_blp.response(200, RemarkSchema(many=True))
    def get(self, query, consultation_id):
        """Uwagi i odpowiedzi (wszystkim po publikacji raportu; wcześniej prowadzącym) / The remarks and replies"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            if consultation.status == "report_published":  # the report lists them all, answered
                return remarks.of(session, consultation, status=query["status"])
            if principal is None:
                raise Problem(401, "Zaloguj się.", "Log in.", headers={"WWW-Authenticate": "Bearer"})
            if not remarks.may_answer(session, consultation, principal):
                raise Problem(403, "Tylko prowadzący i komórka odpowiedzialna.", "Staff and the department only.",
                              type_="https://glos.pl/problems/forbidden")
            return remarks.of(session, consultation, status=query["status"])

    @require()
    @consultations_blp.arguments(EmailRemarkSchema)
    @consultations_blp.response(201, RemarkSchema)
    def post(self, body, consultation_id):
        """Wprowadź uwagę nadesłaną e-mailem / Enter a remark sent by e-mail"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            remark = remarks.enter_email(session, consultation, actor=current_principal().subject, **body)
            session.flush()
            return remark


def _staff_consultation(session, consultation_id):
    consultation = consultations.get(session, consultation_id)
    shared.require_staff(session, consultation, current_principal())
    return consultation


@consultations_blp.route("/<uuid:consultation_id>/open-answers")
class OpenAnswers(MethodView):
    @require()
    @consultations_blp.response(200, OpenAnswerSchema(many=True))
    def get(self, consultation_id):
        """Odpowiedzi na pytania otwarte, do oznaczenia jako uwagi / Open answers, to mark as remarks"""
        with session_scope(db_sessions()) as session:
            return remarks.open_answers(session, _staff_consultation(session, consultation_id))


@consultations_blp.route("/<uuid:consultation_id>/open-answers/<uuid:response_id>/<string:code>/remark")
class OpenAnswerRemark(MethodView):
    @require(role="coordinator")
    @consultations_blp.response(201, RemarkSchema)
    def put(self, consultation_id, response_id, code):
        """Oznacz odpowiedź jako uwagę, na którą raport odpowie / Mark an open answer as a remark"""
        with session_scope(db_sessions()) as session:
            consultation = _staff_consultation(session, consultation_id)
            return remarks.mark_open_answer(session, consultation, response_id, code,
                                            actor=current_principal().subject)

    @require(role="coordinator")
    @consultations_blp.response(204)
    def delete(self, consultation_id, response_id, code):
        """Wycofaj oznaczenie (dopóki uwaga nie ma odpowiedzi) / Unmark (while the remark has no reply)"""
        with session_scope(db_sessions()) as session:
            consultation = _staff_consultation(session, consultation_id)
            remarks.unmark_open_answer(session, consultation, response_id, code, actor=current_principal().subject)


@consultations_blp.route("/<uuid:consultation_id>/moderation-summary")
class ModerationSummary(MethodView):
    @optional_token
    @consultations_blp.response(200, ModerationSummarySchema)
    def get(self, consultation_id):
        """Co moderacja ukryła i dlaczego (publiczne po zamknięciu) / What moderation hid, and why"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            if consultation.status not in ("closed", "report_published") and (
                    principal is None or not shared.is_staff_of(session, consultation, principal)):
                raise Problem(403, "Podsumowanie moderacji jest publiczne po zamknięciu.",
                              "The moderation summary is public after the close.",
                              type_="https://glos.pl/problems/forbidden")
            return remarks.moderation_summary(session, consultation)


@remarks_blp.route("/<uuid:remark_id>/reply")
class Reply(MethodView):
    @require()
    @remarks_blp.arguments(ReplySchema)
    @remarks_blp.response(200, RemarkSchema)
    def put(self, body, remark_id):
        """Odpowiedź miasta z uzasadnieniem / The city's reply with justification"""
        with session_scope(db_sessions()) as session:
            remark = remarks.get(session, remark_id)
            consultation = consultations.get(session, remark.consultation_id)
            return remarks.answer(session, consultation, remark, principal=current_principal(), **body)


@remarks_blp.route("/<uuid:remark_id>/approval")
class Approval(MethodView):
    @require(role="coordinator")
    @remarks_blp.response(200, RemarkSchema)
    def post(self, remark_id):
        """Zatwierdź odpowiedź (koordynator) / Approve the reply (coordinator)"""
        with session_scope(db_sessions()) as session:
            return remarks.approve(session, remarks.get(session, remark_id), actor=current_principal().subject)
