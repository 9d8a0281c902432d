"""Before the vote: conflicting proposals (the same place, the exclusive ones) and the published lists."""

from __future__ import annotations

import uuid

from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_response
from glos_chassis.web import db_sessions

from .. import conflicts, lifecycle, lists, service
from ..models import Conflict
from ..schemas import ConflictSchema, ExclusiveMarkSchema, ListPublicationSchema, ReasonSchema, ResolutionSchema
from .common import editions_blp


@editions_blp.route("/<uuid:edition_id>/conflicts")
class Conflicts(MethodView):
    @editions_blp.response(200, ConflictSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Konflikty między wnioskami / Conflicts between proposals"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Conflict).where(Conflict.edition_id == edition_id)
                                        .order_by(Conflict.created_at)))

    @require(role="pb_official")
    @editions_blp.arguments(ExclusiveMarkSchema)
    @editions_blp.response(201, ConflictSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Oznacz dwa wnioski jako wykluczające się / Mark two proposals mutually exclusive"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            a, b = (lifecycle.get_proposal(session, pid) for pid in body["proposal_ids"])
            return conflicts.mark_exclusive(session, edition, a, b, actor=current_principal().subject,
                                            reason=body["reason"])


@editions_blp.route("/<uuid:edition_id>/conflicts/check")
class ConflictCheck(MethodView):
    @require(role="pb_official")
    @editions_blp.response(200, ConflictSchema(many=True))
    def post(self, edition_id: uuid.UUID):
        """Sprawdź odległości między lokalizacjami; zwraca nowe konflikty / Check distances; new conflicts"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return conflicts.check_nearby(session, edition, actor=current_principal().subject)


@editions_blp.route("/<uuid:edition_id>/conflicts/<uuid:conflict_id>/resolution")
class ConflictResolution(MethodView):
    @require(role="pb_official")
    @editions_blp.arguments(ResolutionSchema)
    @editions_blp.response(200, ConflictSchema)
    def post(self, body, edition_id: uuid.UUID, conflict_id: uuid.UUID):
        """Rozstrzygnij konflikt / Resolve a conflict"""
        with session_scope(db_sessions()) as session:
            conflict = session.get(Conflict, conflict_id, with_for_update=True)
            if conflict is None or conflict.edition_id != edition_id:
                raise Problem(404, "Nie ma takiego konfliktu.", "No such conflict.")
            return conflicts.resolve(session, conflict, actor=current_principal().subject,
                                     resolution=body["resolution"])


@editions_blp.route("/<uuid:edition_id>/lists")
class Lists(MethodView):
    @editions_blp.response(200, ListPublicationSchema)
    def get(self, edition_id: uuid.UUID):
        """Opublikowane listy projektów (JSON) / The published lists"""
        with session_scope(db_sessions()) as session:
            return lists.latest(session, service.get_edition(session, edition_id))

    @require(role="pb_official")
    @editions_blp.arguments(ReasonSchema)
    @editions_blp.response(201, ListPublicationSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Opublikuj listy zakwalifikowanych i odrzuconych / Publish the lists"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return lists.publish(session, edition, actor=current_principal().subject, reason=body["reason"])


@editions_blp.route("/<uuid:edition_id>/lists.csv")
class ListsCsv(MethodView):
    @file_response("text/csv", description="Listy (CSV) / The lists (CSV)")
    def get(self, edition_id: uuid.UUID):
        """Opublikowane listy projektów (CSV) / The published lists as CSV"""
        with session_scope(db_sessions()) as session:
            body = lists.as_csv(lists.latest(session, service.get_edition(session, edition_id)))
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="listy-{edition_id}.csv"'})
