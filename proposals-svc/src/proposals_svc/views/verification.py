"""Verification: formal (by the office), substantive (by a department's reviewers), and appeals."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.openapi import optional_token
from glos_chassis.web import db_sessions

from .. import lifecycle, verification
from ..models import Appeal
from ..schemas import (AppealCreateSchema, AppealDecisionSchema, AppealSchema, AssignmentSchema,
                       FormalVerificationSchema, ProposalSchema, ReviewSchema, SubstantiveReviewSchema)
from .common import _edition_of, _part_of, _visible_proposal, proposals_blp


@proposals_blp.route("/<uuid:proposal_id>/formal-verification")
class FormalVerification(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(FormalVerificationSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena formalna według listy kontrolnej edycji / Formal verification against the checklist"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.formal_verification(session, _edition_of(session, proposal), proposal,
                                                    actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/assignment")
class Assignment(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(AssignmentSchema)
    @proposals_blp.response(200, ProposalSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Przekaż do komórki merytorycznej / Assign to a department"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.assign_department(session, proposal, code=body["department"],
                                                  actor=current_principal().subject, reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/reviews")
class Reviews(MethodView):
    @require(any_of=("pb_official", "coordinator", "department_reviewer"))
    @proposals_blp.response(200, ReviewSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Oceny wniosku (urząd; komórka — tylko przypisane jej) / Reviews (a department: only its own)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            verification.require_department(current_principal(), proposal)
            return verification.reviews_of(session, proposal)

    @require(role="department_reviewer")
    @proposals_blp.arguments(SubstantiveReviewSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena merytoryczna (komórka, do której przypisano wniosek) / Substantive review by the department"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            findings = {name: body[name] for name in ("feasibility", "legal", "ownership")}
            return verification.substantive_review(session, proposal, principal=current_principal(),
                                                   outcome=body["outcome"], findings=findings,
                                                   city_cost_estimate=body["city_cost_estimate"], reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/appeals")
class Appeals(MethodView):
    @optional_token
    @proposals_blp.response(200, AppealSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Odwołania i ich rozstrzygnięcia / Appeals and their decisions"""
        with session_scope(db_sessions()) as session:
            _visible_proposal(session, proposal_id)
            return list(session.scalars(select(Appeal).where(Appeal.proposal_id == proposal_id)
                                        .order_by(Appeal.filed_at)))

    @require(role="resident")
    @proposals_blp.arguments(AppealCreateSchema)
    @proposals_blp.response(201, AppealSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Odwołaj się od negatywnej oceny (autor, w terminie) / Appeal a negative verification"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.file_appeal(session, _edition_of(session, proposal), proposal,
                                            actor=current_principal().subject, statement=body["statement"])


@proposals_blp.route("/<uuid:proposal_id>/appeals/<uuid:appeal_id>/decision")
class AppealDecision(MethodView):
    @require(role="coordinator")
    @proposals_blp.arguments(AppealDecisionSchema)
    @proposals_blp.response(200, AppealSchema)
    def post(self, body, proposal_id: uuid.UUID, appeal_id: uuid.UUID):
        """Rozstrzygnij odwołanie z uzasadnieniem (koordynator) / Decide an appeal (coordinator)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            appeal = _part_of(session, Appeal, appeal_id, proposal, "Nie ma takiego odwołania.", "No such appeal.")
            return verification.decide_appeal(session, proposal, appeal, actor=current_principal().subject, **body)
