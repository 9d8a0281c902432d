"""An edition's areas (the city-wide pool and the districts), also from and to Pabulib files."""

from __future__ import annotations

import uuid

from flask import Response, current_app, request
from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_body, file_response
from glos_chassis.web import db_sessions

from .. import outlines, pabulib, service
from ..models import Area
from ..schemas import (AreaSchema, OutlineCollectionSchema, OutlinesImportQuerySchema, OutlinesReportSchema,
                       PabulibImportQuerySchema)
from .common import editions_blp


@editions_blp.route("/<uuid:edition_id>/areas")
class Areas(MethodView):
    @editions_blp.response(200, AreaSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Obszary (pule) edycji / The edition's areas (pools)"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Area).where(Area.edition_id == edition_id).order_by(Area.kind, Area.name)))

    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.arguments(AreaSchema)
    @editions_blp.response(201, AreaSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Utwórz obszar (pulę) / Create an area (pool)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return service.create_area(session, edition, actor=current_principal().subject, **body)


@editions_blp.route("/<uuid:edition_id>/areas/pabulib")
class AreaImport(MethodView):
    @require(role="pb_official")
    @file_body("text/plain", "text/csv", "application/octet-stream", description="Plik Pabulib (.pb, UTF-8)")
    @editions_blp.arguments(PabulibImportQuerySchema, location="query")
    @editions_blp.response(201, AreaSchema)
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
            (area,) = pabulib.import_areas(session, edition, [(query["source"], text)],
                                             actor=current_principal().subject, kind=query["kind"])
            return area


@editions_blp.route("/<uuid:edition_id>/areas/<uuid:area_id>/pabulib")
class AreaExport(MethodView):
    @file_response("text/plain", description="Plik Pabulib / A Pabulib file")
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


OUTLINES_MAX_BYTES = 20 * 1024 * 1024


@editions_blp.route("/<uuid:edition_id>/area-outlines")
class AreaOutlines(MethodView):
    @editions_blp.response(200, OutlineCollectionSchema)
    def get(self, edition_id: uuid.UUID):
        """Obrysy obszarów (GeoJSON) / The areas' outlines (GeoJSON)"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return outlines.outlines_of(session, edition_id)

    @require(role="pb_official")
    @file_body("application/geo+json", "application/json",
               description="GeoJSON FeatureCollection; properties.name = nazwa obszaru / the area's name")
    @editions_blp.arguments(OutlinesImportQuerySchema, location="query")
    @editions_blp.response(200, OutlinesReportSchema)
    def put(self, query, edition_id: uuid.UUID):
        """Obrysy obszarów z pliku GIS miasta / The areas' outlines from the city's GIS file"""
        import json

        if request.mimetype not in ("application/geo+json", "application/json"):
            raise Problem(415, "Prześlij plik GeoJSON.", "Send a GeoJSON file.")
        request.max_content_length = OUTLINES_MAX_BYTES  # this view only
        try:
            collection = json.loads(request.get_data().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise Problem(422, "To nie jest plik GeoJSON (JSON w UTF-8).", "This is not a GeoJSON file (UTF-8 JSON).",
                          errors=[{"location": "file", "field": "outlines", "message": "Nieczytelny plik.",
                                   "message_en": "Unreadable file."}]) from None
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return outlines.import_outlines(session, edition, collection, actor=current_principal().subject,
                                            reason=query["reason"])
