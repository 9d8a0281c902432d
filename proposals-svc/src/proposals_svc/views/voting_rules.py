"""The voting rules, and the ballot that freezes them."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import rules, service
from ..schemas import (ReasonSchema, RulesChangeSchema, RulesCheckSchema, RulesStateSchema,
                       RulesVocabularySchema)
from .common import editions_blp


@editions_blp.route("/rules-vocabulary")
class RulesVocabulary(MethodView):
    @editions_blp.response(200, RulesVocabularySchema)
    def get(self):
        """Słownik zasad głosowania / The voting rules' vocabulary

        The values each field of the voting rules takes (ballot types, selection rules, tie-breaks, residency…),
        so that a client builds its forms from the service instead of keeping a copy."""
        return rules.vocabulary()


@editions_blp.route("/rules-check")
class RulesCheck(MethodView):
    @editions_blp.arguments(RulesCheckSchema)
    @editions_blp.response(200, RulesCheckSchema)
    def post(self, body):
        """Sprawdź zasady bez zapisywania (podgląd) / Check voting rules without saving them (the preview)

        The same validation as saving them: a 422 names each wrong field; a 200 returns the rules as they would
        be saved, for a client to describe them."""
        return body


@editions_blp.route("/<uuid:edition_id>/voting-rules")
class VotingRules(MethodView):
    @editions_blp.response(200, RulesStateSchema)
    def get(self, edition_id: uuid.UUID):
        """Zasady głosowania i ich skrót SHA-256 / The voting rules and their SHA-256"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)

    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.arguments(RulesChangeSchema)
    @editions_blp.response(200, RulesStateSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustal zasady głosowania (do publikacji karty) / Set the voting rules (until the ballot is published)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.set_rules(session, edition, body["rules"], actor=current_principal().subject,
                                   reason=body["reason"])


@editions_blp.route("/<uuid:edition_id>/ballot")
class Ballot(MethodView):
    @require(role="coordinator")
    @editions_blp.arguments(ReasonSchema)
    @editions_blp.response(201, RulesStateSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Opublikuj kartę do głosowania: zamraża zasady / Publish the ballot: freezes the rules"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.publish_ballot(session, edition, actor=current_principal().subject, reason=body["reason"])
