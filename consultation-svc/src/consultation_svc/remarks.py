"""Remarks: everything the report must answer, with the city's reply.

At the close every published comment and every open survey answer becomes a remark; remarks made at
meetings and e-mails are entered by staff as they come. A reply (accepted, partly accepted, not accepted, not
applicable — with the justification) is written by the responsible department or the consultation's
moderators, and approved by a coordinator; a changed reply needs approval again.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from .shared import audit, forbidden, is_staff_of, now
from .models import Comment, Consultation, Question, Remark, SurveyResponse

OUTCOMES = ("accepted", "partly_accepted", "not_accepted", "not_applicable")
KIND_PL = {"comment": "komentarz", "open_answer": "odpowiedź w ankiecie", "meeting": "uwaga na spotkaniu",
           "email": "e-mail"}
OUTCOME_PL = {"accepted": "uwzględniona", "partly_accepted": "uwzględniona częściowo",
              "not_accepted": "nieuwzględniona", "not_applicable": "nie dotyczy", "pending": "bez odpowiedzi"}


def collect_at_close(session: Session, consultation: Consultation) -> None:
    """Published comments and open answers become remarks (once: a second close adds nothing)."""
    rows = [{"kind": "comment", "source": str(c.id), "author": c.author, "body": c.body}
            for c in session.scalars(select(Comment).where(Comment.consultation_id == consultation.id,
                                                           Comment.status == "published"))]
    open_questions = session.scalars(select(Question.code).where(
        Question.consultation_id == consultation.id, Question.type.in_(("short_text", "long_text")))).all()
    if open_questions:
        for response in session.scalars(select(SurveyResponse).where(SurveyResponse.consultation_id == consultation.id)):
            for code in open_questions:
                text = (response.answers.get(code) or "").strip()
                if text:
                    rows.append({"kind": "open_answer", "source": f"{response.id}:{code}",
                                 "author": response.respondent, "body": text})
    if rows:
        session.execute(insert(Remark).values([{"id": uuid.uuid4(), "consultation_id": consultation.id,
                                                "status": "pending", **row} for row in rows])
                        .on_conflict_do_nothing())


def enter_email(session: Session, consultation: Consultation, *, body: str, sender: str | None, received: str,
                actor: str) -> Remark:
    remark = Remark(consultation_id=consultation.id, kind="email", source=f"email:{uuid.uuid4()}", author=sender,
                    body=body)
    session.add(remark)
    audit(session, actor, "remark.entered", consultation.id, f"uwaga przesłana e-mailem {received}")
    return remark


def get(session: Session, remark_id: uuid.UUID) -> Remark:
    found = session.get(Remark, remark_id, with_for_update=True)
    if found is None:
        raise Problem(404, "Nie ma takiej uwagi.", "No such remark.")
    return found


def may_answer(session: Session, consultation: Consultation, principal: Principal) -> bool:
    department = (principal.claims.get("scopes") or {}).get("department_reviewer", [])
    return is_staff_of(session, consultation, principal) or (
        "department_reviewer" in principal.roles and consultation.department in department)


def answer(session: Session, consultation: Consultation, remark: Remark, *, principal: Principal, status: str,
           reply: str) -> Remark:
    if not may_answer(session, consultation, principal):
        raise forbidden("Odpowiedź pisze komórka odpowiedzialna za konsultacje lub ich moderator.",
                        "The responsible department or the consultation's moderator writes the reply.")
    if consultation.status == "report_published":
        raise Problem(409, "Raport już opublikowano.", "The report is already published.")
    remark.status, remark.reply, remark.answered_by = status, reply, principal.subject
    remark.approved_by = remark.approved_at = None  # a changed reply is approved afresh
    audit(session, principal.subject, "remark.answered", remark.id, reply, status=status)
    return remark


def approve(session: Session, remark: Remark, *, actor: str) -> Remark:
    if remark.status == "pending":
        raise Problem(409, "Najpierw trzeba odpowiedzieć na uwagę.", "The remark has no reply yet.")
    remark.approved_by, remark.approved_at = actor, now()
    audit(session, actor, "remark.approved", remark.id, "zatwierdzenie odpowiedzi", status=remark.status)
    return remark


def of(session: Session, consultation: Consultation, *, status: str | None = None) -> list[Remark]:
    query = select(Remark).where(Remark.consultation_id == consultation.id)
    if status:
        query = query.where(Remark.status == status)
    return list(session.scalars(query.order_by(Remark.kind, Remark.created_at, Remark.source)))


def unfinished(session: Session, consultation: Consultation) -> dict:
    unanswered = session.scalar(select(func.count()).select_from(Remark).where(
        Remark.consultation_id == consultation.id, Remark.status == "pending"))
    unapproved = session.scalar(select(func.count()).select_from(Remark).where(
        Remark.consultation_id == consultation.id, Remark.status != "pending", Remark.approved_at.is_(None)))
    return {"unanswered": unanswered, "unapproved": unapproved}
