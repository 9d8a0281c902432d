"""Changes the office proposes to a proposal (merges too), and the applicants' answers."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import changes, lifecycle
from ..models import ChangeRequest
from ..schemas import ChangeRequestCreateSchema, ChangeRequestSchema, ChangeResponseSchema
from .common import _edition_of, _part_of, _require_author_or_office, proposals_blp


@proposals_blp.route("/<uuid:proposal_id>/change-requests")
class ChangeRequests(MethodView):
    @require()
    @proposals_blp.response(200, ChangeRequestSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Propozycje zmian (autor i urząd) / Change requests (the author and the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            _require_author_or_office(proposal)
            return list(session.scalars(select(ChangeRequest).where(ChangeRequest.proposal_id == proposal_id)
                                        .order_by(ChangeRequest.created_at)))

    @require(role="pb_official")
    @proposals_blp.arguments(ChangeRequestCreateSchema)
    @proposals_blp.response(201, ChangeRequestSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Zaproponuj zmianę wnioskodawcy / Propose a change to the applicant"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return changes.request_change(session, _edition_of(session, proposal), proposal,
                                          actor=current_principal().subject, changes=body["changes"],
                                          reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/change-requests/<uuid:request_id>/response")
class ChangeRequestResponse(MethodView):
    @require(role="resident")
    @proposals_blp.arguments(ChangeResponseSchema)
    @proposals_blp.response(200, ChangeRequestSchema)
    def post(self, body, proposal_id: uuid.UUID, request_id: uuid.UUID):
        """Przyjmij lub odrzuć zmianę (autor) / Accept or refuse the change (the author)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            change = _part_of(session, ChangeRequest, request_id, proposal, "Nie ma takiej propozycji zmian.",
                              "No such change request.")
            return changes.respond(session, _edition_of(session, proposal), proposal, change,
                                   actor=current_principal().subject, **body)
