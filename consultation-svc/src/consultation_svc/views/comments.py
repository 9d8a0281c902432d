"""Comments after they are written: the moderation queue, reactions, flags and moderators' decisions."""

from __future__ import annotations

from flask.views import MethodView

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import comments, consultations, shared
from ..schemas import (BulkModerationSchema, CommentSchema, FlagSchema, ModerationSchema, QueueItemSchema,
                       ReactionCountSchema, ReactionSchema)
from .common import consultations_blp, comments_blp


@consultations_blp.route("/<uuid:consultation_id>/moderation-queue")
class ModerationQueue(MethodView):
    @require()
    @consultations_blp.response(200, QueueItemSchema(many=True))
    def get(self, consultation_id):
        """Kolejka moderacji: komentarze w kontekście, ze zgłoszeniami / The moderation queue, in context"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            return comments.in_context(session, consultation, comments.queue(session, consultation))


@consultations_blp.route("/<uuid:consultation_id>/moderation")
class BulkModeration(MethodView):
    @require()
    @consultations_blp.arguments(BulkModerationSchema)
    @consultations_blp.response(200, CommentSchema(many=True))
    def post(self, body, consultation_id):
        """Jedna decyzja z jednym uzasadnieniem dla wielu komentarzy / One decision for many comments"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return comments.moderate_many(session, consultation, body["comment_ids"], principal=current_principal(),
                                          decision=body["decision"], reason=body["reason"])


def _comment_and_consultation(session, comment_id, *, for_update=False):
    comment = comments.get_comment(session, comment_id, for_update=for_update)
    return comment, consultations.get(session, comment.consultation_id)


@comments_blp.route("/<uuid:comment_id>/reactions")
class Reactions(MethodView):
    @comments_blp.response(200, ReactionCountSchema)
    def get(self, comment_id):
        """Poparcie i sprzeciw / Support and opposition"""
        with session_scope(db_sessions()) as session:
            comments.get_comment(session, comment_id)
            return comments.reactions(session, comment_id)

    @require()
    @comments_blp.arguments(ReactionSchema)
    @comments_blp.response(200, ReactionCountSchema)
    def post(self, body, comment_id):
        """Poprzyj komentarz lub wyraź sprzeciw / Support or oppose a comment"""
        with session_scope(db_sessions()) as session:
            comment, consultation = _comment_and_consultation(session, comment_id)
            consultations.participant(session, consultation, current_principal())
            return comments.react(session, consultation, comment, account=current_principal().subject, kind=body["kind"])


@comments_blp.route("/<uuid:comment_id>/flags")
class Flags(MethodView):
    @require()
    @comments_blp.arguments(FlagSchema)
    @comments_blp.response(201, CommentSchema(only=("id", "status")))
    def post(self, body, comment_id):
        """Zgłoś komentarz moderatorom / Flag a comment"""
        with session_scope(db_sessions()) as session:
            comment, consultation = _comment_and_consultation(session, comment_id, for_update=True)
            consultations.participant(session, consultation, current_principal())
            return comments.flag(session, consultation, comment, account=current_principal().subject,
                                 reason=body["reason"])


@comments_blp.route("/<uuid:comment_id>/moderation")
class Moderation(MethodView):
    @require()
    @comments_blp.arguments(ModerationSchema)
    @comments_blp.response(200, CommentSchema)
    def post(self, body, comment_id):
        """Decyzja moderatora: opublikuj, ukryj z powodem, usuń dane osobowe / A moderator's decision"""
        with session_scope(db_sessions()) as session:
            comment, consultation = _comment_and_consultation(session, comment_id, for_update=True)
            return comments.moderate(session, consultation, comment, principal=current_principal(), **body)
