"""Proposals as their authors write them: drafts in an edition, one's own, a proposal, its submission and its
versions."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import optional_token
from glos_chassis.web import db_sessions

from .. import changes, lifecycle, service
from ..models import Proposal
from ..schemas import (DraftCreateSchema, ProposalContentSchema, ProposalListQuerySchema, ProposalSchema,
                       VersionDiffSchema, VersionSchema)
from .common import _edition_of, _visible_proposal, editions_blp, proposals_blp


@editions_blp.route("/<uuid:edition_id>/proposals")
class Proposals(MethodView):
    @editions_blp.arguments(ProposalListQuerySchema, location="query")
    @editions_blp.response(200, ProposalSchema(many=True))
    def get(self, query, edition_id: uuid.UUID):
        """Złożone wnioski w edycji / The edition's submitted proposals"""
        with session_scope(db_sessions()) as session:
            return service.list_proposals(session, edition_id, **query)

    @require(role="resident")
    @editions_blp.arguments(DraftCreateSchema)
    @editions_blp.response(201, ProposalSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Zapisz szkic wniosku (mieszkaniec) / Save a draft proposal (resident)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return lifecycle.create_draft(session, edition, author=current_principal().subject, content=body)


@editions_blp.route("/<uuid:edition_id>/proposals/mine")
class MyProposals(MethodView):
    @require()
    @editions_blp.response(200, ProposalSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Moje wnioski, ze szkicami / My proposals, drafts included"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Proposal).where(
                Proposal.edition_id == edition_id, Proposal.author == current_principal().subject)
                .order_by(Proposal.created_at)))


@proposals_blp.route("/<uuid:proposal_id>")
class ProposalById(MethodView):
    @optional_token
    @proposals_blp.response(200, ProposalSchema)
    def get(self, proposal_id: uuid.UUID):
        """Wniosek (szkic widzi tylko autor) / A proposal (a draft only for its author)"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            if not lifecycle.visible_to(proposal, principal.subject if principal else None):
                raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
            return proposal

    @require(role="resident")
    @proposals_blp.arguments(ProposalContentSchema)
    @proposals_blp.response(200, ProposalSchema)
    def patch(self, body, proposal_id: uuid.UUID):
        """Popraw własny szkic / Edit your own draft"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            return lifecycle.update_draft(session, proposal, body)


@proposals_blp.route("/<uuid:proposal_id>/submission")
class Submission(MethodView):
    @require(role="resident")
    @proposals_blp.response(200, ProposalSchema)
    def post(self, proposal_id: uuid.UUID):
        """Złóż wniosek: sprawdza wszystko i wskazuje każdy brak / Submit: checks all, names every problem"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            return lifecycle.submit(session, _edition_of(session, proposal), proposal,
                                    actor=current_principal().subject)


@proposals_blp.route("/<uuid:proposal_id>/versions")
class Versions(MethodView):
    @optional_token
    @proposals_blp.response(200, VersionSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Wszystkie wersje wniosku / Every version of the proposal"""
        with session_scope(db_sessions()) as session:
            return changes.versions(session, _visible_proposal(session, proposal_id))


@proposals_blp.route("/<uuid:proposal_id>/versions/<int:older>/diff/<int:newer>")
class VersionDiff(MethodView):
    @optional_token
    @proposals_blp.response(200, VersionDiffSchema)
    def get(self, proposal_id: uuid.UUID, older: int, newer: int):
        """Różnice między wersjami, pole po polu / What changed between two versions, field by field"""
        with session_scope(db_sessions()) as session:
            proposal = _visible_proposal(session, proposal_id)
            before = changes.version(session, proposal, older).content
            after = changes.version(session, proposal, newer).content
        return {"proposal_id": str(proposal_id), "from": older, "to": newer, "changes": changes.diff(before, after)}
