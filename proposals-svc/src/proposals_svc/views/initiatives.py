"""Local initiatives: scoring against the city's criteria, and the terms agreed with the applicant."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import initiatives, lifecycle
from ..models import InitiativeTerms
from ..schemas import ChangeResponseSchema, ReviewSchema, ScoringSchema, TermsProposalSchema, TermsSchema
from .common import _edition_of, _part_of, _require_author_or_office, proposals_blp


@proposals_blp.route("/<uuid:proposal_id>/scoring")
class Scoring(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(ScoringSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena inicjatywy lokalnej według kryteriów miasta / Score a local initiative against the criteria"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return initiatives.score(session, _edition_of(session, proposal), proposal,
                                     actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/terms")
class Terms(MethodView):
    @require()
    @proposals_blp.response(200, TermsSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Warunki umowy (wnioskodawca i urząd) / The agreement's terms (the applicant and the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            _require_author_or_office(proposal)
            return initiatives.terms_of(session, proposal)

    @require(role="pb_official")
    @proposals_blp.arguments(TermsProposalSchema)
    @proposals_blp.response(201, TermsSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Zaproponuj warunki realizacji (urząd) / Propose the terms (the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return initiatives.propose_terms(session, _edition_of(session, proposal), proposal,
                                             actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/terms/<uuid:terms_id>/response")
class TermsResponse(MethodView):
    @require(role="resident")
    @proposals_blp.arguments(ChangeResponseSchema)
    @proposals_blp.response(200, TermsSchema)
    def post(self, body, proposal_id: uuid.UUID, terms_id: uuid.UUID):
        """Przyjmij lub odrzuć warunki (wnioskodawca) / Accept or refuse the terms (the applicant)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            offer = _part_of(session, InitiativeTerms, terms_id, proposal, "Nie ma takich warunków.", "No such terms.")
            return initiatives.answer_terms(session, proposal, offer, actor=current_principal().subject, **body)
