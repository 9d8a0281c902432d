"""HTTP endpoints: parse, check who may, call one use case, answer."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import delete, func, select

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_response, optional_token
from glos_chassis.web import db_sessions

from . import comments, consultations, meetings, remarks, report, surveys
from .models import (BannedWord, Comment, Consultation, Document, Meeting, Question, Registration, SurveyResponse)
from .schemas import (EDITABLE, AttendanceSchema, BannedWordSchema, CommentCreateSchema, CommentSchema,
                      ConsultationCreateSchema, ConsultationEditSchema, ConsultationSchema, DocumentCreateSchema,
                      DocumentSchema, EmailRemarkSchema, FlagSchema, MeetingCreateSchema, MeetingRemarkSchema,
                      MeetingSchema, MinutesSchema, ModerationSchema, ModeratorSchema, MyRegistrationSchema,
                      QuestionSchema, ReactionCountSchema, ReactionSchema, RegistrationSchema, RemarkQuerySchema,
                      RemarkSchema, ReplySchema, ReportQuerySchema, ReportSchema, ResponseOutSchema, ResponseSchema,
                      ResultsQuerySchema, ResultsSchema, SectionRevisionSchema, SectionSchema, StatusChangeSchema,
                      SurveySchema, ThreadCommentSchema)

blp = Blueprint("consultations", __name__, url_prefix="/consultations",
                description="Konsultacje społeczne / Public consultations")
comments_blp = Blueprint("comments", __name__, url_prefix="/comments", description="Komentarze / Comments")
meetings_blp = Blueprint("meetings", __name__, url_prefix="/meetings", description="Spotkania / Meetings")
remarks_blp = Blueprint("remarks", __name__, url_prefix="/remarks", description="Uwagi i odpowiedzi / Remarks")
words_blp = Blueprint("banned_words", __name__, url_prefix="/banned-words",
                      description="Słowa wstrzymujące komentarz / Banned words")

ANONYMOUS_RESPONSES_PER_HOUR = 10  # per network address, for an anonymous survey


def _questions(session, consultation) -> list[Question]:
    return list(session.scalars(select(Question).where(Question.consultation_id == consultation.id)
                                .order_by(Question.position)))


def _document(session, consultation_id: uuid.UUID, document_id: uuid.UUID) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.consultation_id != consultation_id:
        raise Problem(404, "Nie ma takiego dokumentu.", "No such document.")
    return document


def _staff_or_closed(session, consultation, principal) -> None:
    """Aggregates: staff during the consultation, everyone once it is closed."""
    if consultation.status in ("closed", "report_published"):
        return
    if principal is None or not consultations.is_staff_of(session, consultation, principal):
        raise Problem(403, "Wyniki są publiczne po zamknięciu konsultacji.", "Results are public after the close.",
                      type_="https://glos.pl/problems/forbidden")


def _anonymous_limit(consultation_id: uuid.UUID) -> None:
    """At most N anonymous responses an hour from one address. The address is kept only as a keyed hash whose key
    changes every day, in Redis, for an hour: never stored with the response."""
    redis_client = current_app.extensions["glos.redis"]
    day = datetime.now(UTC).strftime("%Y%m%d")
    salt = redis_client.get(f"glos:anon-salt:{day}")
    if salt is None:
        redis_client.set(f"glos:anon-salt:{day}", uuid.uuid4().hex, nx=True, ex=2 * 86400)
        salt = redis_client.get(f"glos:anon-salt:{day}")
    address = request.headers.get("X-Real-IP") or request.remote_addr or "?"
    digest = hmac.new(salt if isinstance(salt, bytes) else salt.encode(), address.encode(), hashlib.sha256).hexdigest()
    key = f"glos:anon-responses:{consultation_id}:{digest[:32]}"
    count = redis_client.incr(key)
    if count == 1:
        redis_client.expire(key, 3600)
    if count > ANONYMOUS_RESPONSES_PER_HOUR:
        raise Problem(429, "Zbyt wiele odpowiedzi z tego adresu; spróbuj później.",
                      "Too many responses from this address; try later.", headers={"Retry-After": "3600"})


# -- consultations -------------------------------------------------------------------------------------------------

@blp.route("")
class Consultations(MethodView):
    @blp.response(200, ConsultationSchema(many=True))
    def get(self):
        """Lista konsultacji / List consultations"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Consultation).order_by(Consultation.created_at.desc())))

    @require(role="coordinator")
    @blp.arguments(ConsultationCreateSchema)
    @blp.response(201, ConsultationSchema)
    def post(self, body):
        """Ogłoś konsultacje (koordynator) / Announce a consultation (coordinator)"""
        with session_scope(db_sessions()) as session:
            return consultations.create(session, actor=current_principal().subject, **body)


@blp.route("/<uuid:consultation_id>")
class ConsultationById(MethodView):
    @blp.response(200, ConsultationSchema)
    def get(self, consultation_id):
        """Konsultacja / A consultation"""
        with session_scope(db_sessions()) as session:
            return consultations.get(session, consultation_id)

    @require(role="coordinator")
    @blp.arguments(ConsultationEditSchema(partial=EDITABLE))
    @blp.response(200, ConsultationSchema)
    def patch(self, body, consultation_id):
        """Zmień ogłoszenie przed otwarciem, z uzasadnieniem / Change the announcement before it opens"""
        reason = body.pop("reason")
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return consultations.edit(session, consultation, actor=current_principal().subject, reason=reason,
                                      **body)


@blp.route("/<uuid:consultation_id>/moderators")
class Moderators(MethodView):
    @require(role="coordinator")
    @blp.arguments(ModeratorSchema)
    @blp.response(201, ModeratorSchema(only=("account_id",)))
    def post(self, body, consultation_id):
        """Przypisz moderatora / Assign a moderator"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.assign_moderator(session, consultation, account_id=str(body["account_id"]),
                                           actor=current_principal().subject, reason=body["reason"])
            return {"account_id": body["account_id"]}


@blp.route("/<uuid:consultation_id>/status")
class Status(MethodView):
    @require(role="coordinator")
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, ConsultationSchema)
    def post(self, body, consultation_id):
        """Otwórz lub zamknij ręcznie, z uzasadnieniem / Open or close by hand, with a reason"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return consultations.change_status(session, consultation, body["status"],
                                               actor=current_principal().subject, reason=body["reason"])


# -- survey --------------------------------------------------------------------------------------------------------

@blp.route("/<uuid:consultation_id>/survey")
class Survey(MethodView):
    @blp.response(200, QuestionSchema(many=True))
    def get(self, consultation_id):
        """Pytania ankiety / The survey's questions"""
        with session_scope(db_sessions()) as session:
            return _questions(session, consultations.get(session, consultation_id))

    @require()
    @blp.arguments(SurveySchema)
    @blp.response(200, QuestionSchema(many=True))
    def put(self, body, consultation_id):
        """Ustal pytania (przed otwarciem) / Set the questions (before opening)"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            consultations.require_staff(session, consultation, current_principal())
            if consultation.status != "announced":
                raise Problem(409, "Ankietę można zmieniać tylko przed otwarciem konsultacji.",
                              "The survey can change only before the consultation opens.")
            errors = surveys.check_definition(body["questions"])
            if errors:
                raise Problem(422, "Ankieta zawiera błędy.", "The survey has errors.",
                              type_="https://glos.pl/problems/validation", errors=errors)
            session.execute(delete(Question).where(Question.consultation_id == consultation.id))
            rows = [Question(consultation_id=consultation.id, position=n, **q) for n, q in enumerate(body["questions"])]
            session.add_all(rows)
            consultations.audit(session, current_principal().subject, "survey.set", consultation.id, "ankieta",
                                questions=len(rows))
            return rows


@blp.route("/<uuid:consultation_id>/responses")
class Responses(MethodView):
    @optional_token
    @blp.arguments(ResponseSchema)
    @blp.response(201, ResponseOutSchema)
    def post(self, body, consultation_id):
        """Wypełnij ankietę (jedna odpowiedź na osobę; anonimowo, jeśli konsultacje na to pozwalają)"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_open(consultation)
            anonymous = consultation.participation == "anonymous_survey"
            resident = consultations.participant(session, consultation, principal, anonymous_allowed=True)
            surveys.validate_response(_questions(session, consultation), body["answers"])
            if anonymous:
                _anonymous_limit(consultation.id)
                # nothing that could lead to the person: no account, no address, no request id
                session.add(SurveyResponse(consultation_id=consultation.id, respondent=None, answers=body["answers"],
                                           district=body["district"], age_band=body["age_band"]))
                return {"answers": body["answers"]}
            existing = session.scalar(select(SurveyResponse).where(
                SurveyResponse.consultation_id == consultation.id, SurveyResponse.respondent == principal.subject)
                .with_for_update())
            if existing is not None:
                if not consultation.responses_editable:
                    raise Problem(409, "Ankietę już wypełniono.", "You have already answered.")
                existing.answers, existing.updated_at = body["answers"], func.now()
                session.flush()
                session.refresh(existing)
                return existing
            response = SurveyResponse(consultation_id=consultation.id, respondent=principal.subject,
                                      answers=body["answers"], district=resident.district if resident else None,
                                      age_band=resident.age_band if resident else None)
            session.add(response)
            session.flush()
            return response


@blp.route("/<uuid:consultation_id>/responses/mine")
class MyResponse(MethodView):
    @require()
    @blp.response(200, ResponseOutSchema)
    def get(self, consultation_id):
        """Moja odpowiedź na ankietę (do poprawienia przed zamknięciem) / My survey response"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            response = session.scalar(select(SurveyResponse).where(
                SurveyResponse.consultation_id == consultation.id,
                SurveyResponse.respondent == current_principal().subject))
            if response is None:
                raise Problem(404, "Nie wypełniono jeszcze ankiety.", "No response yet.")
            return response


@blp.route("/<uuid:consultation_id>/results")
class Results(MethodView):
    @optional_token
    @blp.arguments(ResultsQuerySchema, location="query")
    @blp.response(200, ResultsSchema)
    def get(self, query, consultation_id):
        """Wyniki ankiety (zbiorczo; z podziałem na osiedla lub wiek) / Aggregated results, optionally cross-tabulated"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            _staff_or_closed(session, consultation, principal)
            return report.survey_results(session, consultation, by=query["by"])


@blp.route("/<uuid:consultation_id>/responses.csv")
class ResponsesCsv(MethodView):
    @file_response("text/csv", description="Odpowiedzi, zanonimizowane (CSV) / Anonymised responses (CSV)")
    @optional_token
    def get(self, consultation_id):
        """Zanonimizowane odpowiedzi (CSV) / Anonymised responses as CSV"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            _staff_or_closed(session, consultation, principal)
            rows = session.execute(select(SurveyResponse.answers, SurveyResponse.district, SurveyResponse.age_band)
                                   .where(SurveyResponse.consultation_id == consultation.id)
                                   .order_by(SurveyResponse.submitted_at, SurveyResponse.id)).all()
            body = surveys.responses_csv(_questions(session, consultation), [tuple(r) for r in rows])
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="ankieta-{consultation_id}.csv"'})


# -- documents and comments ---------------------------------------------------------------------------------------

def _document_view(session, document) -> dict:
    return {"id": document.id, "consultation_id": document.consultation_id, "title": document.title,
            "sections": comments.current_sections(session, document.id)}


@blp.route("/<uuid:consultation_id>/documents")
class Documents(MethodView):
    @blp.response(200, DocumentSchema(many=True))
    def get(self, consultation_id):
        """Dokumenty konsultacji / The consultation's documents"""
        with session_scope(db_sessions()) as session:
            consultations.get(session, consultation_id)
            return [_document_view(session, d) for d in session.scalars(
                select(Document).where(Document.consultation_id == consultation_id).order_by(Document.created_at))]

    @require()
    @blp.arguments(DocumentCreateSchema)
    @blp.response(201, DocumentSchema)
    def post(self, body, consultation_id):
        """Dodaj dokument podzielony na fragmenty / Add a document split into sections"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
            document = comments.create_document(session, consultation, actor=current_principal().subject, **body)
            return _document_view(session, document)


@blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>")
class DocumentById(MethodView):
    @blp.response(200, DocumentSchema)
    def get(self, consultation_id, document_id):
        """Dokument (bieżące wersje fragmentów) / The document (current section versions)"""
        with session_scope(db_sessions()) as session:
            return _document_view(session, _document(session, consultation_id, document_id))


@blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>/sections/<string:anchor>")
class SectionRevision(MethodView):
    @require()
    @blp.arguments(SectionRevisionSchema)
    @blp.response(200, SectionSchema)
    def put(self, body, consultation_id, document_id, anchor):
        """Nowa wersja fragmentu (stare komentarze wskazują swoją wersję) / Revise a section"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
            document = _document(session, consultation_id, document_id)
            return comments.revise_section(session, document, anchor, actor=current_principal().subject, **body)


@blp.route("/<uuid:consultation_id>/documents/<uuid:document_id>/comments")
class DocumentComments(MethodView):
    @optional_token
    @blp.response(200, ThreadCommentSchema(many=True))
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
    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    def post(self, body, consultation_id, document_id):
        """Skomentuj fragment lub cały dokument; odpowiedz w wątku / Comment on a section or reply"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.participant(session, consultation, current_principal())
            document = _document(session, consultation_id, document_id)
            return comments.post(session, consultation, document, author=current_principal().subject,
                                 body=body["body"], section_anchor=body["section"], parent_id=body["parent_id"])


@blp.route("/<uuid:consultation_id>/moderation-queue")
class ModerationQueue(MethodView):
    @require()
    @blp.response(200, CommentSchema(many=True))
    def get(self, consultation_id):
        """Kolejka moderacji / The moderation queue"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
            return comments.queue(session, consultation)


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


# -- meetings --------------------------------------------------------------------------------------------------------

def _meeting_view(session, meeting) -> dict:
    counts = dict(session.execute(select(Registration.status, func.count()).where(
        Registration.meeting_id == meeting.id).group_by(Registration.status)).all())
    view = {c: getattr(meeting, c) for c in ("id", "consultation_id", "title", "place", "online_link", "starts_at",
                                             "registration_closes_at", "capacity", "minutes")}
    return {**view, "confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0)}


@blp.route("/<uuid:consultation_id>/meetings")
class Meetings(MethodView):
    @blp.response(200, MeetingSchema(many=True))
    def get(self, consultation_id):
        """Spotkania konsultacyjne / The consultation's meetings"""
        with session_scope(db_sessions()) as session:
            consultations.get(session, consultation_id)
            return [_meeting_view(session, m) for m in session.scalars(
                select(Meeting).where(Meeting.consultation_id == consultation_id).order_by(Meeting.starts_at))]

    @require()
    @blp.arguments(MeetingCreateSchema)
    @blp.response(201, MeetingSchema)
    def post(self, body, consultation_id):
        """Zaplanuj spotkanie / Schedule a meeting"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
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
            consultations.require_staff(session, consultation, current_principal())
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
            consultations.require_staff(session, consultation, current_principal())
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
            consultations.require_staff(session, consultation, current_principal())
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
            consultations.require_staff(session, consultation, current_principal())
            remark = meetings.add_remark(session, consultation, meeting, actor=current_principal().subject, **body)
            session.flush()
            return remark


# -- remarks and the report -----------------------------------------------------------------------------------------

@blp.route("/<uuid:consultation_id>/remarks")
class Remarks(MethodView):
    @optional_token
    @blp.arguments(RemarkQuerySchema, location="query")
    @blp.response(200, RemarkSchema(many=True))
    def get(self, query, consultation_id):
        """Uwagi i odpowiedzi (wszystkim po publikacji raportu; wcześniej prowadzącym) / The remarks and replies"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            if consultation.status == "report_published":  # the report lists them all, answered
                return remarks.of(session, consultation, status=query["status"])
            if principal is None:
                raise Problem(401, "Zaloguj się.", "Log in.", headers={"WWW-Authenticate": "Bearer"})
            if not remarks.may_answer(session, consultation, principal):
                raise Problem(403, "Tylko prowadzący i komórka odpowiedzialna.", "Staff and the department only.",
                              type_="https://glos.pl/problems/forbidden")
            return remarks.of(session, consultation, status=query["status"])

    @require()
    @blp.arguments(EmailRemarkSchema)
    @blp.response(201, RemarkSchema)
    def post(self, body, consultation_id):
        """Wprowadź uwagę nadesłaną e-mailem / Enter a remark sent by e-mail"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
            remark = remarks.enter_email(session, consultation, actor=current_principal().subject, **body)
            session.flush()
            return remark


@remarks_blp.route("/<uuid:remark_id>/reply")
class Reply(MethodView):
    @require()
    @remarks_blp.arguments(ReplySchema)
    @remarks_blp.response(200, RemarkSchema)
    def put(self, body, remark_id):
        """Odpowiedź miasta z uzasadnieniem / The city's reply with justification"""
        with session_scope(db_sessions()) as session:
            remark = remarks.get(session, remark_id)
            consultation = consultations.get(session, remark.consultation_id)
            return remarks.answer(session, consultation, remark, principal=current_principal(), **body)


@remarks_blp.route("/<uuid:remark_id>/approval")
class Approval(MethodView):
    @require(role="coordinator")
    @remarks_blp.response(200, RemarkSchema)
    def post(self, remark_id):
        """Zatwierdź odpowiedź (koordynator) / Approve the reply (coordinator)"""
        with session_scope(db_sessions()) as session:
            return remarks.approve(session, remarks.get(session, remark_id), actor=current_principal().subject)


@blp.route("/<uuid:consultation_id>/report")
class Report(MethodView):
    @optional_token
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema)
    def get(self, query, consultation_id):
        """Raport (opublikowana wersja; prowadzący: ?draft=true) / The report"""
        with session_scope(db_sessions()) as session:
            return self._version(session, consultation_id, query["draft"])

    @staticmethod
    def _version(session, consultation_id, draft: bool):
        consultation = consultations.get(session, consultation_id)
        if draft:
            principal = optional_principal()
            if principal is None or not consultations.is_staff_of(session, consultation, principal):
                raise Problem(403, "Wersje robocze widzą prowadzący.", "Drafts are for staff.",
                              type_="https://glos.pl/problems/forbidden")
        return report.latest(session, consultation, published_only=not draft)

    @require(role="coordinator")
    @blp.response(201, ReportSchema)
    def post(self, consultation_id):
        """Utwórz nową wersję raportu / Make a new version of the report"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return report.make_version(session, consultation, actor=current_principal().subject)


@blp.route("/<uuid:consultation_id>/report/versions")
class ReportVersions(MethodView):
    @require()
    @blp.response(200, ReportSchema(many=True))
    def get(self, consultation_id):
        """Wszystkie wersje raportu (prowadzący) / Every version of the report (staff)"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id)
            consultations.require_staff(session, consultation, current_principal())
            return report.versions(session, consultation)


@blp.route("/<uuid:consultation_id>/report/publication")
class ReportPublication(MethodView):
    @require(role="coordinator")
    @blp.response(201, ReportSchema)
    def post(self, consultation_id):
        """Opublikuj raport; uczestnicy dostają rozstrzygnięcia swoich uwag / Publish; participants are told"""
        with session_scope(db_sessions()) as session:
            consultation = consultations.get(session, consultation_id, for_update=True)
            return report.publish(session, consultation, actor=current_principal().subject)


@blp.route("/<uuid:consultation_id>/report.html")
class ReportHtml(MethodView):
    @file_response("text/html", description="Raport (HTML) / The report (HTML)")
    @optional_token
    @blp.arguments(ReportQuerySchema, location="query")
    def get(self, query, consultation_id):
        """Raport (HTML) / The report as HTML"""
        with session_scope(db_sessions()) as session:
            version = Report._version(session, consultation_id, query["draft"])
            return Response(version.html, mimetype="text/html")


@blp.route("/<uuid:consultation_id>/report.pdf")
class ReportPdf(MethodView):
    @file_response("application/pdf", description="Raport (PDF) / The report (PDF)")
    @optional_token
    @blp.arguments(ReportQuerySchema, location="query")
    def get(self, query, consultation_id):
        """Raport (PDF) / The report as PDF"""
        with session_scope(db_sessions()) as session:
            version = Report._version(session, consultation_id, query["draft"])
            return Response(version.pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f'inline; filename="raport-{consultation_id}-v{version.version}.pdf"'})


def register(api) -> None:
    for blueprint in (blp, comments_blp, meetings_blp, remarks_blp, words_blp):
        api.register_blueprint(blueprint)

