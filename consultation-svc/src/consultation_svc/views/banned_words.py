"""The list of word stems that hold a comment for moderation."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import comments
from ..models import BannedWord
from ..schemas import BannedWordSchema
from .common import words_blp


@words_blp.route("")
class BannedWords(MethodView):
    @require(any_of=("moderator", "coordinator"))
    @words_blp.response(200, BannedWordSchema(many=True))
    def get(self):
        """Lista słów wstrzymujących komentarz / The banned-word list"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(BannedWord).order_by(BannedWord.stem)))

    @require(role="coordinator")
    @words_blp.arguments(BannedWordSchema)
    @words_blp.response(201, BannedWordSchema)
    def post(self, body):
        """Dodaj słowo (rdzeń) / Add a word (a stem)"""
        with session_scope(db_sessions()) as session:
            comments.add_banned_word(session, body["stem"], actor=current_principal().subject)
            return body


@words_blp.route("/<string:stem>")
class BannedWordByStem(MethodView):
    @require(role="coordinator")
    @words_blp.response(204)
    def delete(self, stem):
        """Usuń słowo z listy / Remove a word"""
        with session_scope(db_sessions()) as session:
            comments.remove_banned_word(session, stem, actor=current_principal().subject)


