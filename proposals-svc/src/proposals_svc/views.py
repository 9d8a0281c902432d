"""HTTP endpoints: parse, call one use case, answer."""

from __future__ import annotations

import uuid

from flask import Response, current_app, request
from flask.views import MethodView
from sqlalchemy import select
from flask_smorest import Blueprint

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.web import db_sessions

from . import pabulib, rules, service
from .models import Area
from .schemas import (AreaSchema, EditionCreateSchema, EditionSchema, PabulibImportQuerySchema, ProposalCreateSchema,
                      ProposalSchema, ReasonSchema, RulesChangeSchema, RulesStateSchema)

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


@blp.route("/<uuid:edition_id>/areas")
class Areas(MethodView):
    @blp.response(200, AreaSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Obszary (pule) edycji / The edition's areas (pools)"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Area).where(Area.edition_id == edition_id).order_by(Area.kind, Area.name)))


@blp.route("/<uuid:edition_id>/areas/pabulib")
class AreaImport(MethodView):
    @require(role="pb_official")
    @blp.arguments(PabulibImportQuerySchema, location="query")
    @blp.response(201, AreaSchema)
    def post(self, query, edition_id: uuid.UUID):
        """Import obszaru z pliku Pabulib (treść text/plain) / Import an area from a Pabulib file"""
        if request.mimetype not in ("text/plain", "text/csv", "application/octet-stream"):
            raise Problem(415, "Prześlij plik .pb jako text/plain.", "Send the .pb file as text/plain.")
        request.max_content_length = current_app.extensions["glos.settings"].pabulib_max_bytes  # this view only
        try:
            text = request.get_data().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Problem(422, "Plik nie jest w UTF-8.", "The file is not UTF-8.") from None
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            (area,) = pabulib.import_areas(session, edition, [(query["source"], text)])
            return area


@blp.route("/<uuid:edition_id>/areas/<uuid:area_id>/pabulib")
class AreaExport(MethodView):
    def get(self, edition_id: uuid.UUID, area_id: uuid.UUID):
        """Projekty obszaru w formacie Pabulib / The area's projects as a Pabulib file"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            area = session.get(Area, area_id)
            if area is None or area.edition_id != edition.id:
                raise Problem(404, "Nie ma takiego obszaru w tej edycji.", "No such area in this edition.")
            body = pabulib.export_area(session, edition, area)
        return Response(body, mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="area-{area_id}.pb"'})


@blp.route("/<uuid:edition_id>/voting-rules")
class VotingRules(MethodView):
    @blp.response(200, RulesStateSchema)
    def get(self, edition_id: uuid.UUID):
        """Zasady głosowania i ich skrót SHA-256 / The voting rules and their SHA-256"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)

    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(RulesChangeSchema)
    @blp.response(200, RulesStateSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustal zasady głosowania (do publikacji karty) / Set the voting rules (until the ballot is published)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.set_rules(session, edition, body["rules"], actor=current_principal().subject,
                                   reason=body["reason"])


@blp.route("/<uuid:edition_id>/ballot")
class Ballot(MethodView):
    @require(role="coordinator")
    @blp.arguments(ReasonSchema)
    @blp.response(201, RulesStateSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Opublikuj kartę do głosowania: zamraża zasady / Publish the ballot: freezes the rules"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.publish_ballot(session, edition, actor=current_principal().subject, reason=body["reason"])
