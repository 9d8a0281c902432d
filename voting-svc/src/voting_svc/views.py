from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from flask import Response, current_app, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from glos_chassis.auth import bearer_token, current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.web import db_sessions

from .handlers import edition_projection
from . import results, voting
from .credentials import verify_credential
from .models import AreaTurnout, BallotView, ResultsDocument

blp = Blueprint("ballots", __name__, url_prefix="/editions", description="Karty do głosowania / Ballots")


class ProjectSchema(Schema):
    proposal_id = fields.UUID()
    title = fields.String()
    cost = fields.Integer()


class EditionBallotSchema(Schema):
    edition_id = fields.UUID()
    name = fields.String()
    city = fields.String()
    year = fields.Integer()
    projects = fields.List(fields.Nested(ProjectSchema))


@blp.route("/<uuid:edition_id>")
class EditionBallot(MethodView):
    @blp.response(200, EditionBallotSchema)
    def get(self, edition_id: uuid.UUID):
        """Edycja i projekty widziane przez usługę głosowania / The edition as voting-svc knows it"""
        with session_scope(db_sessions()) as session:
            projection = edition_projection(session, edition_id)
        if projection is None:
            raise Problem(404, "Usługa głosowania nie zna tej edycji.", "voting-svc does not know this edition.")
        return projection


class BallotSchema(Schema):
    edition_id = fields.UUID()
    rules = fields.Dict()
    rules_sha256 = fields.String()
    frozen_at = fields.AwareDateTime()
    areas = fields.List(fields.Dict())


@blp.route("/<uuid:edition_id>/ballot")
class PublishedBallot(MethodView):
    @blp.response(200, BallotSchema)
    def get(self, edition_id: uuid.UUID):
        """Karta do głosowania z zamrożonymi zasadami / The ballot with its frozen rules"""
        with session_scope(db_sessions()) as session:
            ballot = session.get(BallotView, edition_id)
            if ballot is None:
                raise Problem(404, "Karta tej edycji nie została opublikowana.", "This edition's ballot is not published.")
            return ballot


class ChoiceSchema(Schema):
    project_id = fields.UUID(required=True)
    points = fields.Integer(strict=True, load_default=None, allow_none=True)


class PartSchema(Schema):
    area_id = fields.UUID(required=True)
    choices = fields.List(fields.Nested(ChoiceSchema), required=True)


class BallotCastSchema(Schema):
    parts = fields.List(fields.Nested(PartSchema), required=True, validate=validate.Length(max=30))


class ReceiptSchema(Schema):
    receipt = fields.String()
    edition_id = fields.String()
    cast_at = fields.String()


class TurnoutSchema(Schema):
    area_id = fields.UUID()
    channel = fields.String()
    voters = fields.Integer()


_ballots: dict[uuid.UUID, BallotView] = {}  # frozen once published: safe to keep for the process's life


def _published_ballot(edition_id: uuid.UUID) -> BallotView:
    ballot = _ballots.get(edition_id)
    if ballot is None:
        with session_scope(db_sessions()) as session:
            ballot = session.get(BallotView, edition_id)
        if ballot is None:
            raise Problem(404, "Karta tej edycji nie została opublikowana.", "This edition's ballot is not published.")
        _ballots[edition_id] = ballot
    return ballot


@blp.route("/<uuid:edition_id>/votes")
class Votes(MethodView):
    @blp.arguments(BallotCastSchema)
    @blp.response(201, ReceiptSchema)
    @blp.alt_response(200, schema=ReceiptSchema, description="A retry with the same Idempotency-Key")
    def post(self, body, edition_id: uuid.UUID):
        """Oddaj głos (Authorization: Bearer <poświadczenie>, Idempotency-Key) / Cast a ballot"""
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if not 8 <= len(idempotency_key) <= 100:
            raise Problem(400, "Podaj nagłówek Idempotency-Key (8–100 znaków).",
                          "Send an Idempotency-Key header (8-100 characters).",
                          errors=[{"location": "headers", "field": "Idempotency-Key", "message": "Wymagany.",
                                   "message_en": "Required."}])
        ballot = _published_ballot(edition_id)
        credential = verify_credential(current_app.extensions["glos.token_verifier"], bearer_token(), edition_id)
        receipt, created = voting.cast(current_app.extensions["glos.redis"], _vote_log(), ballot, credential,
                                       body["parts"], idempotency_key)
        return receipt, (201 if created else 200)


def _vote_log() -> voting.VoteLog:
    log = current_app.extensions.get("voting.vote_log")
    if log is None:
        log = current_app.extensions.setdefault("voting.vote_log", voting.VoteLog(
            current_app.extensions["glos.settings"].kafka_bootstrap_servers))
    return log


@blp.route("/<uuid:edition_id>/turnout")
class Turnout(MethodView):
    @blp.response(200, TurnoutSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Frekwencja na żywo, według obszaru i kanału / Live turnout by area and channel"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(AreaTurnout).where(AreaTurnout.edition_id == edition_id)))


class ResultsRequestSchema(Schema):
    seed = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ResultsSchema(Schema):
    edition_id = fields.UUID()
    sha256 = fields.String()
    published_at = fields.AwareDateTime()
    document = fields.Dict()


@blp.route("/<uuid:edition_id>/results")
class Results(MethodView):
    @require(role="coordinator")
    @blp.arguments(ResultsRequestSchema)
    @blp.response(201, ResultsSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Policz i opublikuj wyniki, ujawniając ziarno losowania / Count and publish, revealing the draw seed"""
        with session_scope(db_sessions()) as session:
            ballot = session.get(BallotView, edition_id)
            if ballot is None:
                raise Problem(404, "Karta tej edycji nie została opublikowana.", "This edition's ballot is not published.")
            return results.publish(session, ballot, seed=body["seed"], actor=current_principal().subject)

    @blp.response(200, ResultsSchema)
    def get(self, edition_id: uuid.UUID):
        """Opublikowane wyniki / The published results"""
        with session_scope(db_sessions()) as session:
            result = session.get(ResultsDocument, edition_id)
            if result is None:
                raise Problem(404, "Wyników jeszcze nie opublikowano.", "The results are not published yet.")
            return result


@blp.route("/<uuid:edition_id>/results.csv")
class ResultsCsv(MethodView):
    def get(self, edition_id: uuid.UUID):
        """Wyniki jako CSV / The results as CSV"""
        with session_scope(db_sessions()) as session:
            result = session.get(ResultsDocument, edition_id)
            if result is None:
                raise Problem(404, "Wyników jeszcze nie opublikowano.", "The results are not published yet.")
            body = results.as_csv(result.document)
        return Response(body, mimetype="text/csv")
