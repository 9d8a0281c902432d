"""A proposal's attachments: maps, cost estimates, photos."""

from __future__ import annotations

import hashlib
import uuid

from flask import Response, request
from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_body, file_response, optional_token
from glos_chassis.web import db_sessions

from .. import events, lifecycle, uploads
from ..models import Attachment
from ..schemas import AttachmentQuerySchema, AttachmentSchema
from .common import proposals_blp

ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENTS_PER_PROPOSAL = 10


@proposals_blp.route("/<uuid:proposal_id>/attachments")
class Attachments(MethodView):
    @optional_token
    @proposals_blp.response(200, AttachmentSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Załączniki wniosku / The proposal's attachments"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            if not lifecycle.visible_to(proposal, principal.subject if principal else None):
                raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
            return list(session.scalars(select(Attachment).where(Attachment.proposal_id == proposal_id)
                                        .order_by(Attachment.created_at)))

    @require(role="resident")
    @file_body(*sorted(ATTACHMENT_TYPES), description="Plik (do 5 MB) / The file (up to 5 MB)")
    @proposals_blp.arguments(AttachmentQuerySchema, location="query")
    @proposals_blp.response(201, AttachmentSchema)
    def post(self, query, proposal_id: uuid.UUID):
        """Dodaj załącznik do szkicu (PDF, JPEG, PNG; do 5 MB) / Attach a file to a draft

        Sprawdzany po treści: obraz musi być tym formatem i jest zapisywany ponownie (bez EXIF, np. położenia
        GPS); PDF z aktywną treścią (JavaScript, uruchamianie, osadzone pliki) jest odrzucany. / Checked by its
        content: an image must be that format and is stored re-encoded (no EXIF, such as a GPS position); a PDF
        with active content (JavaScript, launching, embedded files) is refused."""
        if request.mimetype not in ATTACHMENT_TYPES:
            raise Problem(415, f"Dozwolone typy plików: {', '.join(sorted(ATTACHMENT_TYPES))}.",
                          f"Allowed file types: {', '.join(sorted(ATTACHMENT_TYPES))}.",
                          errors=[{"location": "headers", "field": "Content-Type", "message": request.mimetype,
                                   "message_en": request.mimetype}])
        request.max_content_length = ATTACHMENT_MAX_BYTES  # this view only; the gateway allows as much
        content = request.get_data()
        if not content:
            raise Problem(422, "Plik jest pusty.", "The file is empty.",
                          errors=[{"location": "body", "field": "body", "message": "Pusty.", "message_en": "Empty."}])
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            count = len(session.scalars(select(Attachment.id).where(Attachment.proposal_id == proposal.id)).all())
            if count >= ATTACHMENTS_PER_PROPOSAL:
                raise Problem(409, f"Wniosek może mieć najwyżej {ATTACHMENTS_PER_PROPOSAL} załączników.",
                              f"A proposal may have at most {ATTACHMENTS_PER_PROPOSAL} attachments.")
            # judged by its content (only now: a stranger's upload is refused for who they are, not decoded)
            content = uploads.checked_content(request.mimetype, content)
            attachment = Attachment(proposal_id=proposal.id, filename=query["filename"], content_type=request.mimetype,
                                    size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                                    uploaded_by=current_principal().subject)
            session.add(attachment)
            session.flush()
            events.edition_event(session, "proposal.attachment_added", proposal.edition_id, proposal_id=str(proposal.id),
                                 attachment_id=str(attachment.id), content_type=attachment.content_type,
                                 size=attachment.size)
            return attachment


@proposals_blp.route("/<uuid:proposal_id>/attachments/<uuid:attachment_id>")
class AttachmentContent(MethodView):
    @file_response(*sorted(ATTACHMENT_TYPES), description="Załącznik / The attachment")
    @optional_token
    def get(self, proposal_id: uuid.UUID, attachment_id: uuid.UUID):
        """Treść załącznika / The attachment's content"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            attachment = session.get(Attachment, attachment_id)
            if (attachment is None or attachment.proposal_id != proposal.id
                    or not lifecycle.visible_to(proposal, principal.subject if principal else None)):
                raise Problem(404, "Nie ma takiego załącznika.", "No such attachment.")
            return Response(attachment.content, mimetype=attachment.content_type, headers={
                "Content-Disposition": f'attachment; filename="{attachment.id}"',
                "X-Content-Type-Options": "nosniff"})
