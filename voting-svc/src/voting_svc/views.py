from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.web import db_sessions

from .handlers import edition_projection
from .models import BallotView

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
