"""Implementation monitoring of winners and initiatives."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import implementation, service
from ..models import Implementation, Proposal
from ..schemas import (AssignmentSchema, ImplementationQuerySchema, ImplementationReportSchema, ImplementationSchema,
                       ImplementationUpdateSchema)
from .common import implementations_blp


def _implementation_view(session, item: Implementation, *, with_updates: bool = False) -> dict:
    proposal = session.get(Proposal, item.proposal_id)
    view = {name: getattr(item, name) for name in ("id", "proposal_id", "edition_id", "kind", "department_code",
                                                   "status", "progress", "cancel_reason", "updated_at")}
    view.update(title=proposal.title, area_id=proposal.area_id)
    if with_updates:
        view["updates"] = implementation.updates_of(session, item)
    return view


@implementations_blp.route("")
class Implementations(MethodView):
    @implementations_blp.arguments(ImplementationQuerySchema, location="query")
    @implementations_blp.response(200, ImplementationSchema(many=True))
    def get(self, query):
        """Realizacja projektów edycji albo komórki (publicznie) / How an edition's or a department's winners
        are being carried out"""
        with session_scope(db_sessions()) as session:
            statement = select(Implementation)
            if "edition_id" in query:
                service.get_edition(session, query["edition_id"])  # an unknown edition is a 404, not []
                statement = statement.where(Implementation.edition_id == query["edition_id"])
            if "department" in query:
                statement = statement.where(Implementation.department_code == query["department"])
            if query.get("status"):
                statement = statement.where(Implementation.status == query["status"])
            return [_implementation_view(session, i) for i in session.scalars(statement.order_by(Implementation.created_at))]


@implementations_blp.route("/<uuid:implementation_id>")
class ImplementationById(MethodView):
    @implementations_blp.response(200, ImplementationSchema)
    def get(self, implementation_id: uuid.UUID):
        """Realizacja projektu z historią aktualizacji / One project's implementation and its updates"""
        with session_scope(db_sessions()) as session:
            return _implementation_view(session, implementation.get(session, implementation_id), with_updates=True)


@implementations_blp.route("/<uuid:implementation_id>/assignment")
class ImplementationAssignment(MethodView):
    @require(role="pb_official")
    @implementations_blp.arguments(AssignmentSchema)
    @implementations_blp.response(200, ImplementationSchema)
    def post(self, body, implementation_id: uuid.UUID):
        """Przypisz realizację komórce / Assign the implementation to a department"""
        with session_scope(db_sessions()) as session:
            item = implementation.get(session, implementation_id, for_update=True)
            implementation.assign(session, item, code=body["department"], actor=current_principal().subject,
                                  reason=body["reason"])
            return _implementation_view(session, item)


@implementations_blp.route("/<uuid:implementation_id>/updates")
class ImplementationUpdates(MethodView):
    @require(any_of=("department_reviewer", "pb_official", "coordinator"))
    @implementations_blp.arguments(ImplementationReportSchema)
    @implementations_blp.response(201, ImplementationUpdateSchema)
    def post(self, body, implementation_id: uuid.UUID):
        """Zaraportuj postęp realizacji (komórka) / Report progress (the department)"""
        with session_scope(db_sessions()) as session:
            item = implementation.get(session, implementation_id, for_update=True)
            return implementation.report(session, item, principal=current_principal(), **body)
