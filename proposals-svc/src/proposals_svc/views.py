"""HTTP endpoints: parse, call one use case, answer."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from . import service
from .schemas import EditionCreateSchema, EditionSchema, ProposalCreateSchema, ProposalSchema

blp = Blueprint("editions", __name__, url_prefix="/editions",
                description="Edycje budżetu obywatelskiego i wnioski / PB editions and proposals")


@blp.route("")
class Editions(MethodView):
    @blp.response(200, EditionSchema(many=True))
    def get(self):
        """Lista edycji / List editions"""
        with session_scope(db_sessions()) as session:
            return service.list_editions(session)

    @require(role="pb_official")
    @blp.arguments(EditionCreateSchema)
    @blp.response(201, EditionSchema)
    def post(self, body):
        """Utwórz edycję (urzędnik BO) / Create an edition (PB official)"""
        with session_scope(db_sessions()) as session:
            return service.create_edition(session, created_by=current_principal().subject, **body)


@blp.route("/<uuid:edition_id>")
class EditionById(MethodView):
    @blp.response(200, EditionSchema)
    def get(self, edition_id: uuid.UUID):
        """Edycja / An edition"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)


@blp.route("/<uuid:edition_id>/proposals")
class Proposals(MethodView):
    @blp.response(200, ProposalSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Wnioski w edycji / Proposals of an edition"""
        with session_scope(db_sessions()) as session:
            return service.list_proposals(session, edition_id)

    @require(role="resident")
    @blp.arguments(ProposalCreateSchema)
    @blp.response(201, ProposalSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Złóż wniosek (mieszkaniec) / Submit a proposal (resident)"""
        with session_scope(db_sessions()) as session:
            return service.submit_proposal(session, edition_id, author=current_principal().subject, **body)
