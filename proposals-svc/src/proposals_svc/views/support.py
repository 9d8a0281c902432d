"""Residents' online support for a proposal."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.openapi import optional_token
from glos_chassis.web import db_sessions

from .. import lifecycle
from ..schemas import SupportStateSchema
from .common import _edition_of, _visible_proposal, proposals_blp


@proposals_blp.route("/<uuid:proposal_id>/support")
class SupportOnline(MethodView):
    @optional_token
    @proposals_blp.response(200, SupportStateSchema)
    def get(self, proposal_id: uuid.UUID):
        """Liczba popierających / How many support it"""
        with session_scope(db_sessions()) as session:
            proposal = _visible_proposal(session, proposal_id)
            return {"proposal_id": proposal.id, "supporters": lifecycle.support_count(session, proposal.id)}

    @require(role="resident")
    @proposals_blp.response(201, SupportStateSchema)
    def post(self, proposal_id: uuid.UUID):
        """Poprzyj wniosek (zweryfikowany mieszkaniec) / Support a proposal (verified resident)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            count = lifecycle.support_online(session, _edition_of(session, proposal), proposal,
                                             supporter=current_principal().subject)
            return {"proposal_id": proposal.id, "supporters": count}
