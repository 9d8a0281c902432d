"""An edition of the participatory budget (or a local-initiative programme): created, its settings, its
schedule and the phase it is in."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import phases, service
from ..schemas import (EditionCreateSchema, EditionSchema, PhaseChangeSchema, ScheduleSchema, ScheduleStateSchema,
                       SettingsChangeSchema, VotingExtensionRequestSchema, WorkSchema)
from .common import editions_blp


@editions_blp.route("")
class Editions(MethodView):
    @editions_blp.response(200, EditionSchema(many=True))
    def get(self):
        """Lista edycji / List editions"""
        with session_scope(db_sessions()) as session:
            return service.list_editions(session)

    @require(role="pb_official")
    @editions_blp.arguments(EditionCreateSchema)
    @editions_blp.response(201, EditionSchema)
    def post(self, body):
        """Utwórz edycję (urzędnik BO) / Create an edition (PB official)"""
        with session_scope(db_sessions()) as session:
            return service.create_edition(session, created_by=current_principal().subject, **body)


@editions_blp.route("/<uuid:edition_id>")
class EditionById(MethodView):
    @editions_blp.response(200, EditionSchema)
    def get(self, edition_id: uuid.UUID):
        """Edycja / An edition"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)


@editions_blp.route("/<uuid:edition_id>/settings")
class EditionSettings(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.arguments(SettingsChangeSchema)
    @editions_blp.response(200, EditionSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustawienia edycji (poparcie, lista kontrolna, terminy) / Edition settings"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return service.change_settings(session, edition, body["settings"], actor=current_principal().subject,
                                           reason=body["reason"])


@editions_blp.route("/<uuid:edition_id>/schedule")
class Schedule(MethodView):
    @editions_blp.response(200, ScheduleStateSchema)
    def get(self, edition_id: uuid.UUID):
        """Harmonogram i bieżąca faza / The schedule and the current phase"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return _schedule_state(session, edition)

    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.arguments(ScheduleSchema)
    @editions_blp.response(200, ScheduleStateSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustal harmonogram (fazy zmieniają się w wyznaczonych terminach) / Set the dated schedule"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            phases.set_schedule(session, edition, body["phases"], actor=current_principal().subject,
                                reason=body["reason"])
            session.flush()
            return _schedule_state(session, edition)


def _schedule_state(session, edition) -> dict:
    return {"current_phase": edition.current_phase, "phase_changed_at": edition.phase_changed_at,
            "phases": phases.schedule_of(session, edition.id),
            "voting_extensions": phases.extensions_of(session, edition.id)}


@editions_blp.route("/<uuid:edition_id>/voting-extensions")
class VotingExtensions(MethodView):
    @require(role="coordinator")
    @editions_blp.arguments(VotingExtensionRequestSchema)
    @editions_blp.response(201, ScheduleStateSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Przedłuż trwające głosowanie, z powodem dla mieszkańców / Extend voting under way, with the reason

        The voting phase's end moves to `ends_at` and every later dated phase by as much; audited, published as
        `voting.extended`, announced on the edition's page with its reason and mailed by identity-svc to everyone
        who started voting online."""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            phases.extend_voting(session, edition, body["ends_at"], actor=current_principal().subject,
                                 reason=body["reason"], outage_seconds=body["outage_seconds"])
            return _schedule_state(session, edition)


@editions_blp.route("/<uuid:edition_id>/phase")
class Phase(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.arguments(PhaseChangeSchema)
    @editions_blp.response(200, EditionSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Zmień fazę ręcznie, z uzasadnieniem / Change the phase by hand, with a reason"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return phases.change_phase(session, edition, body["phase"], actor=current_principal().subject,
                                       reason=body["reason"])


@editions_blp.route("/<uuid:edition_id>/work")
class WaitingWork(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @editions_blp.response(200, WorkSchema)
    def get(self, edition_id: uuid.UUID):
        """Co czeka na urząd w tej edycji (strona główna konsoli) / What waits for the office in this edition"""
        with session_scope(db_sessions()) as session:
            return service.waiting_work(session, service.get_edition(session, edition_id))
