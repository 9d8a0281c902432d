"""The consultation's report: drafted, versioned, published, as HTML and PDF."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_response, optional_token
from glos_chassis.web import db_sessions

from .. import consultations, report, shared
from ..schemas import ReportQuerySchema, ReportSchema
from .common import consultations_blp


@consultations_blp.route("/<uuid:consultation_id>/report")
class Report(MethodView):
    @optional_token
    @consultations_blp.arguments(ReportQuerySchema, location="query")
    @consultations_blp.response(200, ReportSchema)
    def get(self, query, consultation_id):
        """Raport (opublikowana wersja; prowadzący: ?draft=true) / The report"""
        with session_scope(db_sessions()) as session:
            return self._version(session, consultation_id, query["draft"])

    @staticmethod
    def _version(session, consultation_id, draft: bool):
        consultation = consultations.get(session, consultation_id)
        if draft:
            principal = optional_principal()
            if principal is None or not shared.is_staff_of(session, consultation, principal):
                raise Problem(403, "Wersje robocze widzą prowadzący.", "Drafts are for staff.",
                              type_="https://glos.pl/problems/forbidden")
        return report.latest(session, consultation, published_only=not draft)

    @require(role="coordinator")
    @consultations_blp.response(201, ReportSchema)
    def post(self, consultation_id):
        """Utwórz nową wersję raportu / Make a new version of the report"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return report.make_version(session, consultation, actor=current_principal().subject)


@consultations_blp.route("/<uuid:consultation_id>/report/versions")
class ReportVersions(MethodView):
    @require()
    @consultations_blp.response(200, ReportSchema(many=True))
    def get(self, consultation_id):
        """Wszystkie wersje raportu (prowadzący) / Every version of the report (staff)"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            return report.versions(session, consultation)


@consultations_blp.route("/<uuid:consultation_id>/report/publication")
class ReportPublication(MethodView):
    @require(role="coordinator")
    @consultations_blp.response(201, ReportSchema)
    def post(self, consultation_id):
        """Opublikuj raport; uczestnicy dostają rozstrzygnięcia swoich uwag / Publish; participants are told"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return report.publish(session, consultation, actor=current_principal().subject)


@consultations_blp.route("/<uuid:consultation_id>/report.html")
class ReportHtml(MethodView):
    @file_response("text/html", description="Raport (HTML) / The report (HTML)")
    @optional_token
    @consultations_blp.arguments(ReportQuerySchema, location="query")
    def get(self, query, consultation_id):
        """Raport (HTML) / The report as HTML"""
        with session_scope(db_sessions()) as session:
            version = Report._version(session, consultation_id, query["draft"])
            return Response(version.html, mimetype="text/html")


@consultations_blp.route("/<uuid:consultation_id>/report.pdf")
class ReportPdf(MethodView):
    @file_response("application/pdf", description="Raport (PDF) / The report (PDF)")
    @optional_token
    @consultations_blp.arguments(ReportQuerySchema, location="query")
    def get(self, query, consultation_id):
        """Raport (PDF) / The report as PDF"""
        with session_scope(db_sessions()) as session:
            version = Report._version(session, consultation_id, query["draft"])
            return Response(version.pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f'inline; filename="raport-{consultation_id}-v{version.version}.pdf"'})
