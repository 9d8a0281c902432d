"""A consultation's survey: its questions, the responses (one's own, anonymous ones within a limit), the
aggregated results and their CSV."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from flask import Response, current_app, request
from flask.views import MethodView
from sqlalchemy import delete, func, select

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_response, optional_token
from glos_chassis.web import db_sessions

from .. import consultations, report, shared, surveys
from ..models import Question, SurveyResponse
from ..schemas import (QuestionSchema, QuestionTypesSchema, ResponseOutSchema, ResponseSchema, ResultsQuerySchema,
                       ResultsSchema, SurveySchema)
from .common import _questions, _staff_or_closed, consultations_blp

ANONYMOUS_RESPONSES_PER_HOUR = 10  # per network address, for an anonymous survey


def _anonymous_limit(consultation_id: uuid.UUID) -> None:
    """At most N anonymous responses an hour from one address. The address is kept only as a keyed hash whose key
    changes every day, in Redis, for an hour: never stored with the response."""
    redis_client = current_app.extensions["glos.redis"]
    day = datetime.now(UTC).strftime("%Y%m%d")
    salt = redis_client.get(f"glos:anon-salt:{day}")
    if salt is None:
        redis_client.set(f"glos:anon-salt:{day}", uuid.uuid4().hex, nx=True, ex=2 * 86400)
        salt = redis_client.get(f"glos:anon-salt:{day}")
    address = request.headers.get("X-Real-IP") or request.remote_addr or "?"
    digest = hmac.new(salt if isinstance(salt, bytes) else salt.encode(), address.encode(), hashlib.sha256).hexdigest()
    key = f"glos:anon-responses:{consultation_id}:{digest[:32]}"
    count = redis_client.incr(key)
    if count == 1:
        redis_client.expire(key, 3600)
    if count > ANONYMOUS_RESPONSES_PER_HOUR:
        raise Problem(429, "Zbyt wiele odpowiedzi z tego adresu; spróbuj później.",
                      "Too many responses from this address; try later.", headers={"Retry-After": "3600"})


@consultations_blp.route("/question-types")
class QuestionTypes(MethodView):
    @consultations_blp.response(200, QuestionTypesSchema)
    def get(self):
        """Rodzaje pytań ankiety / The survey's question types

        So that a client builds its survey forms from the service instead of keeping a copy of the list."""
        return {"types": list(surveys.TYPES), "text_types": list(surveys.TEXT_TYPES),
                "age_bands": list(surveys.AGE_BANDS)}


@consultations_blp.route("/<uuid:consultation_id>/survey")
class Survey(MethodView):
    @consultations_blp.response(200, QuestionSchema(many=True))
    def get(self, consultation_id):
        """Pytania ankiety / The survey's questions"""
        with session_scope(db_sessions()) as session:
            return _questions(session, consultations.get(session, consultation_id))

    @require()
    @consultations_blp.arguments(SurveySchema)
    @consultations_blp.response(200, QuestionSchema(many=True))
    def put(self, body, consultation_id):
        """Ustal pytania (przed otwarciem) / Set the questions (before opening)"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            shared.require_staff(session, consultation, current_principal())
            if consultation.status != "announced":
                raise Problem(409, "Ankietę można zmieniać tylko przed otwarciem konsultacji.",
                              "The survey can change only before the consultation opens.")
            errors = surveys.check_definition(body["questions"])
            if errors:
                raise Problem(422, "Ankieta zawiera błędy.", "The survey has errors.",
                              type_="https://glos.pl/problems/validation", errors=errors)
            session.execute(delete(Question).where(Question.consultation_id == consultation.id))
            rows = [Question(consultation_id=consultation.id, position=n, **q) for n, q in enumerate(body["questions"])]
            session.add_all(rows)
            shared.audit(session, current_principal().subject, "survey.set", consultation.id, "ankieta",
                                questions=len(rows))
            return rows


@consultations_blp.route("/<uuid:consultation_id>/responses")
class Responses(MethodView):
    @optional_token
    @consultations_blp.arguments(ResponseSchema)
    @consultations_blp.response(201, ResponseOutSchema)
    def post(self, body, consultation_id):
        """Wypełnij ankietę (jedna odpowiedź na osobę; anonimowo, jeśli konsultacje na to pozwalają)"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_open(consultation)
            anonymous = consultation.participation == "anonymous_survey"
            resident = consultations.participant(session, consultation, principal, anonymous_allowed=True)
            surveys.validate_response(_questions(session, consultation), body["answers"])
            if anonymous:
                _anonymous_limit(consultation.id)
                # nothing that could lead to the person: no account, no address, no request id
                session.add(SurveyResponse(consultation_id=consultation.id, respondent=None, answers=body["answers"],
                                           district=body["district"], age_band=body["age_band"]))
                return {"answers": body["answers"]}
            existing = session.scalar(select(SurveyResponse).where(
                SurveyResponse.consultation_id == consultation.id, SurveyResponse.respondent == principal.subject)
                .with_for_update())
            if existing is not None:
                if not consultation.responses_editable:
                    raise Problem(409, "Ankietę już wypełniono.", "You have already answered.")
                existing.answers, existing.updated_at = body["answers"], func.now()
                session.flush()
                session.refresh(existing)
                return existing
            response = SurveyResponse(consultation_id=consultation.id, respondent=principal.subject,
                                      answers=body["answers"], district=resident.district if resident else None,
                                      age_band=resident.age_band if resident else None)
            session.add(response)
            session.flush()
            return response


@consultations_blp.route("/<uuid:consultation_id>/responses/mine")
class MyResponse(MethodView):
    @require()
    @consultations_blp.response(200, ResponseOutSchema)
    def get(self, consultation_id):
        """Moja odpowiedź na ankietę (do poprawienia przed zamknięciem) / My survey response"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            response = session.scalar(select(SurveyResponse).where(
                SurveyResponse.consultation_id == consultation.id,
                SurveyResponse.respondent == current_principal().subject))
            if response is None:
                raise Problem(404, "Nie wypełniono jeszcze ankiety.", "No response yet.")
            return response


@consultations_blp.route("/<uuid:consultation_id>/results")
class Results(MethodView):
    @optional_token
    @consultations_blp.arguments(ResultsQuerySchema, location="query")
    @consultations_blp.response(200, ResultsSchema)
    def get(self, query, consultation_id):
        """Wyniki ankiety (zbiorczo; z podziałem na osiedla lub wiek) / Aggregated results, optionally cross-tabulated"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            _staff_or_closed(session, consultation, principal)
            return report.survey_results(session, consultation, by=query["by"])


@consultations_blp.route("/<uuid:consultation_id>/responses.csv")
class ResponsesCsv(MethodView):
    @file_response("text/csv", description="Odpowiedzi, zanonimizowane (CSV) / Anonymised responses (CSV)")
    @optional_token
    def get(self, consultation_id):
        """Zanonimizowane odpowiedzi (CSV) / Anonymised responses as CSV"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            _staff_or_closed(session, consultation, principal)
            rows = session.execute(select(SurveyResponse.answers, SurveyResponse.district, SurveyResponse.age_band)
                                   .where(SurveyResponse.consultation_id == consultation.id)
                                   .order_by(SurveyResponse.submitted_at, SurveyResponse.id)).all()
            body = surveys.responses_csv(_questions(session, consultation), [tuple(r) for r in rows])
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="ankieta-{consultation_id}.csv"'})


