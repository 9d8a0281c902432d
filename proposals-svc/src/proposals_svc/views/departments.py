"""The city's departments, and each one's queue of proposals to review."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.web import db_sessions

from .. import service, verification
from ..models import Department, Proposal
from ..schemas import DepartmentSchema, ProposalSchema
from .common import departments_blp


@departments_blp.route("")
class Departments(MethodView):
    @departments_blp.response(200, DepartmentSchema(many=True))
    def get(self):
        """Komórki merytoryczne / Departments"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Department).order_by(Department.code)))

    @require(any_of=("pb_official", "admin"))
    @departments_blp.arguments(DepartmentSchema)
    @departments_blp.response(201, DepartmentSchema)
    def post(self, body):
        """Dodaj komórkę merytoryczną / Add a department"""
        with session_scope(db_sessions()) as session:
            return service.create_department(session, actor=current_principal().subject, **body)


@departments_blp.route("/<string:code>/proposals")
class DepartmentQueue(MethodView):
    @require(any_of=("pb_official", "coordinator", "department_reviewer"))
    @departments_blp.response(200, ProposalSchema(many=True))
    def get(self, code: str):
        """Wnioski przypisane komórce (tylko jej recenzentom i urzędowi) / A department's proposals"""
        principal = current_principal()
        if not ({"pb_official", "coordinator"} & principal.roles) and code not in verification.reviewer_departments(principal):
            raise Problem(403, "To nie jest Twoja komórka.", "This is not your department.",
                          type_="https://glos.pl/problems/forbidden")
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Proposal).where(Proposal.department_code == code)
                                        .order_by(Proposal.submitted_at)))
