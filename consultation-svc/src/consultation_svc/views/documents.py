"""The documents under consultation, section by section, and the comments on them."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.openapi import optional_token
from glos_chassis.web import db_sessions

from .. import comments, consultations, shared
from ..models import Comment, Document
from ..schemas import (CommentCreateSchema, CommentSchema, DocumentCreateSchema, DocumentSchema, SectionRevisionSchema,
                       SectionSchema, ThreadCommentSchema)
from .common import _document, consultations_blp


def _document_view(session, document) -> dict:
    return {"id": document.id, "consultation_id": document.consultation_id, "title": document.title,
            "sections": comments.current_sections(session, document.id)}


@consultations_blp.route("/<uuid:consultation_id>/documents")
class Documents(MethodView):
    @consultations_blp.response(200, DocumentSchema(many=True))
    def get(self, consultation_id):
        """Dokumenty konsultacji / The consultation's documents"""
        with session_scope(db_sessions()) as session:
            consultations.get(session, consultation_id)
            return [_document_view(session, d) for d in session.scalars(
                select(Document).where(Document.consultation_id == consultation_id).order_by(Document.created_at))]

    @require()
    @consultations_blp.arguments(DocumentCreateSchema)
    @consultations_blp.response(201, DocumentSchema)
    def post(self, body, consultation_id):
        """Dodaj dokument podzielony na fragmenty / Add a document split into sections"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            document = comments.create_document(session, consultation, actor=current_principal().subject, **body)
            return _document_view(session, document)


@consultations_blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>")
class DocumentById(MethodView):
    @consultations_blp.response(200, DocumentSchema)
    def get(self, consultation_id, document_id):
        """Dokument (bieżące wersje fragmentów) / The document (current section versions)"""
        with session_scope(db_sessions()) as session:
            return _document_view(session, _document(session, consultation_id, document_id))


@consultations_blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>/sections/<string:anchor>")
class SectionRevision(MethodView):
    @require()
    @consultations_blp.arguments(SectionRevisionSchema)
    @consultations_blp.response(200, SectionSchema)
    def put(self, body, consultation_id, document_id, anchor):
        """Nowa wersja fragmentu (stare komentarze wskazują swoją wersję) / Revise a section"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            document = _document(session, consultation_id, document_id)
            return comments.revise_section(session, document, anchor, actor=current_principal().subject, **body)


@consultations_blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>/comments")
class DocumentComments(MethodView):
    @optional_token
    @consultations_blp.response(200, ThreadCommentSchema(many=True))
    def get(self, consultation_id, document_id):
        """Komentarze (opublikowane; autor widzi też swoje wstrzymane) / Comments"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            _document(session, consultation_id, document_id)
            found = session.scalars(select(Comment).where(Comment.document_id == document_id)
                                    .order_by(Comment.created_at)).all()
            shown = [c for c in found if comments.visible_to(session, c, consultation, principal)]
            counts = comments.reaction_counts(session, [c.id for c in shown])
            for c in shown:  # read by ThreadCommentSchema; not columns
                c.support, c.oppose = (counts.get(c.id, {}).get(k, 0) for k in ("support", "oppose"))
                c.mine = principal is not None and c.author == principal.subject
            return shown

    @require()
    @consultations_blp.arguments(CommentCreateSchema)
    @consultations_blp.response(201, CommentSchema)
    def post(self, body, consultation_id, document_id):
        """Skomentuj fragment lub cały dokument; odpowiedz w wątku / Comment on a section or reply"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.participant(session, consultation, current_principal())
            document = _document(session, consultation_id, document_id)
            return comments.post(session, consultation, document, author=current_principal().subject,
                                 body=body["body"], section_anchor=body["section"], parent_id=body["parent_id"])
