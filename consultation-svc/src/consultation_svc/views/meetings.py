"""Consultation meetings: registration (with a waiting list), attendance, minutes and the remarks made there."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from .. import consultations, meetings, shared
from ..models import Meeting, Registration
from ..schemas import (AttendanceSchema, MeetingCreateSchema, MeetingRemarkSchema, MeetingSchema, MinutesSchema,
                       MyRegistrationSchema, RegistrationSchema, RemarkSchema)
from .common import consultations_blp, meetings_blp


def _meeting_view(session, meeting) -> dict:
    counts = dict(session.execute(select(Registration.status, func.count()).where(
        Registration.meeting_id == meeting.id).group_by(Registration.status)).all())
    view = {c: getattr(meeting, c) for c in ("id", "consultation_id", "title", "place", "online_link", "starts_at",
                                             "registration_closes_at", "capacity", "minutes")}
    return {**view, "confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0)}


@consultations_blp.route("/<uuid:consultation_id>/meetings")
class Meetings(MethodView):
    @consultations_blp.response(200, MeetingSchema(many=True))
    def get(self, consultation_id):
        """Spotkania konsultacyjne / The consultation's meetings"""
        with session_scope(db_sessions()) as session:
            consultations.get(session, consultation_id)
            return [_meeting_view(session, m) for m in session.scalars(
                select(Meeting).where(Meeting.consultation_id == consultation_id).order_by(Meeting.starts_at))]

    @require()
    @consultations_blp.arguments(MeetingCreateSchema)
    @consultations_blp.response(201, MeetingSchema)
    def post(self, body, consultation_id):
        """Zaplanuj spotkanie / Schedule a meeting"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            shared.require_staff(session, consultation, current_principal())
            return _meeting_view(session, meetings.create(session, consultation, actor=current_principal().subject,
                                                          **body))


def _meeting_and_consultation(session, meeting_id, *, for_update=False):
    meeting = meetings.get(session, meeting_id, for_update=for_update)
    return meeting, consultations.get(session, meeting.consultation_id)


@meetings_blp.route("/<uuid:meeting_id>/registrations")
class Registrations(MethodView):
    @require()
    @meetings_blp.response(200, RegistrationSchema(many=True))
    def get(self, meeting_id):
        """Lista zapisanych (prowadzący) / Registrations (staff)"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id)
            shared.require_staff(session, consultation, current_principal())
            return meetings.registrations(session, meeting)

    @require()
    @meetings_blp.response(201, RegistrationSchema)
    def post(self, meeting_id):
        """Zapisz się (lista rezerwowa, gdy brak miejsc) / Register (waitlisted when full)"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id, for_update=True)
            consultations.participant(session, consultation, current_principal())
            return meetings.register(session, consultation, meeting, account=current_principal().subject)


@meetings_blp.route("/<uuid:meeting_id>/registrations/mine")
class MyRegistration(MethodView):
    @require()
    @meetings_blp.response(200, MyRegistrationSchema)
    def get(self, meeting_id):
        """Mój zapis i miejsce na liście rezerwowej / My registration and waitlist place"""
        with session_scope(db_sessions()) as session:
            meeting, _ = _meeting_and_consultation(session, meeting_id)
            return meetings.registration_of(session, meeting, current_principal().subject)

    @require()
    @meetings_blp.response(200, RegistrationSchema)
    def delete(self, meeting_id):
        """Zrezygnuj (miejsce przechodzi na pierwszą osobę z listy rezerwowej) / Cancel"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id, for_update=True)
            return meetings.cancel(session, consultation, meeting, account=current_principal().subject)


@meetings_blp.route("/<uuid:meeting_id>/attendance")
class Attendance(MethodView):
    @require()
    @meetings_blp.arguments(AttendanceSchema)
    @meetings_blp.response(200, RegistrationSchema(many=True))
    def post(self, body, meeting_id):
        """Lista obecności / Mark attendance"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id, for_update=True)
            shared.require_staff(session, consultation, current_principal())
            return meetings.mark_attendance(session, meeting, present=body["present"], actor=current_principal().subject)


@meetings_blp.route("/<uuid:meeting_id>/minutes")
class Minutes(MethodView):
    @require()
    @meetings_blp.arguments(MinutesSchema)
    @meetings_blp.response(200, MeetingSchema)
    def post(self, body, meeting_id):
        """Dołącz protokół / Attach the minutes"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id, for_update=True)
            shared.require_staff(session, consultation, current_principal())
            meetings.add_minutes(session, meeting, minutes=body["minutes"], actor=current_principal().subject)
            return _meeting_view(session, meeting)


@meetings_blp.route("/<uuid:meeting_id>/remarks")
class MeetingRemarks(MethodView):
    @require()
    @meetings_blp.arguments(MeetingRemarkSchema)
    @meetings_blp.response(201, RemarkSchema)
    def post(self, body, meeting_id):
        """Uwaga zgłoszona na spotkaniu (wprowadza prowadzący) / A remark made at the meeting"""
        with session_scope(db_sessions()) as session:
            meeting, consultation = _meeting_and_consultation(session, meeting_id)
            shared.require_staff(session, consultation, current_principal())
            remark = meetings.add_remark(session, consultation, meeting, actor=current_principal().subject, **body)
            session.flush()
            return remark


