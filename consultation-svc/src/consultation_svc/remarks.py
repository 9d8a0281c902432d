"""Remarks: everything the report must answer, with the city's reply.

A published comment is a remark from the moment it is published — at once under post-moderation, or when a
moderator publishes it, even after the close — until a moderator hides it (then the report counts it among what
moderation hid, with the reason). An open survey answer becomes a remark when a coordinator marks it; remarks
made at meetings and e-mails are entered by staff as they come. Each remark knows what it is about (a
document's section, or a survey question), so the report groups it there.

A reply (accepted, partly accepted, not accepted, not applicable — with the justification) is written by the
responsible department or the consultation's moderators, and approved by a coordinator; a changed reply needs
approval again. One reply may answer several alike remarks: they point at the remark that carries it, and the
report says which remarks share it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from .shared import audit, error, forbidden, is_staff_of, now
from .models import Comment, Consultation, Document, Question, Remark, Section, SurveyResponse

OUTCOMES = ("accepted", "partly_accepted", "not_accepted", "not_applicable")
KIND_PL = {"comment": "komentarz", "open_answer": "odpowiedź w ankiecie", "meeting": "uwaga na spotkaniu",
           "email": "e-mail"}
OUTCOME_PL = {"accepted": "uwzględniona", "partly_accepted": "uwzględniona częściowo",
              "not_accepted": "nieuwzględniona", "not_applicable": "nie dotyczy", "pending": "bez odpowiedzi"}
OPEN_TYPES = ("short_text", "long_text")


# -- what becomes a remark ---------------------------------------------------------------------------------------

def track_comment(session: Session, comment: Comment) -> None:
    """Keep a comment's remark in step with its moderation: published → a remark to answer (its text as
    published, so a redaction carries over); anything else → no remark (the report counts it as hidden)."""
    source = str(comment.id)
    if comment.status == "published":
        session.execute(insert(Remark).values(
            id=uuid.uuid4(), consultation_id=comment.consultation_id, kind="comment", source=source,
            author=comment.author, body=comment.body, document_id=comment.document_id,
            section_anchor=comment.section_anchor, status="pending",
        ).on_conflict_do_update(constraint="uq_remarks_consultation_id", set_={"body": comment.body}))
    else:
        session.execute(delete(Remark).where(Remark.consultation_id == comment.consultation_id,
                                             Remark.kind == "comment", Remark.source == source))


def collect_at_close(session: Session, consultation: Consultation) -> None:
    """A safety net at the close: every published comment has its remark (tracking made them already; a second
    close adds nothing)."""
    for comment in session.scalars(select(Comment).where(Comment.consultation_id == consultation.id,
                                                         Comment.status == "published")):
        track_comment(session, comment)


def open_answers(session: Session, consultation: Consultation) -> list[dict]:
    """Every non-empty answer to an open question, with the remark it became if a coordinator marked it."""
    questions = {q.code: q for q in session.scalars(select(Question).where(
        Question.consultation_id == consultation.id, Question.type.in_(OPEN_TYPES)))}
    if not questions:
        return []
    marked = dict(session.execute(select(Remark.source, Remark.id).where(
        Remark.consultation_id == consultation.id, Remark.kind == "open_answer")).all())
    found = []
    for response in session.scalars(select(SurveyResponse).where(SurveyResponse.consultation_id == consultation.id)
                                    .order_by(SurveyResponse.submitted_at, SurveyResponse.id)):
        for code, question in sorted(questions.items(), key=lambda item: item[1].position):
            text = str(response.answers.get(code) or "").strip()
            if text:
                found.append({"response_id": response.id, "question_code": code, "question_text": question.text,
                              "text": text, "remark_id": marked.get(f"{response.id}:{code}")})
    return found


def _open_answer(session: Session, consultation: Consultation, response_id: uuid.UUID, code: str):
    response = session.get(SurveyResponse, response_id)
    question = session.scalar(select(Question).where(Question.consultation_id == consultation.id,
                                                     Question.code == code, Question.type.in_(OPEN_TYPES)))
    text = str((response.answers if response else {}).get(code) or "").strip()
    if response is None or response.consultation_id != consultation.id or question is None or not text:
        raise Problem(404, "Nie ma takiej odpowiedzi na pytanie otwarte.", "No such open answer.")
    return response, text


def mark_open_answer(session: Session, consultation: Consultation, response_id: uuid.UUID, code: str, *,
                     actor: str) -> Remark:
    """A coordinator makes an open survey answer a remark the report answers (marking twice changes nothing)."""
    if consultation.status == "report_published":
        raise Problem(409, "Raport już opublikowano.", "The report is already published.")
    response, text = _open_answer(session, consultation, response_id, code)
    source = f"{response.id}:{code}"
    existing = session.scalar(select(Remark).where(Remark.consultation_id == consultation.id,
                                                   Remark.kind == "open_answer", Remark.source == source))
    if existing is not None:
        return existing
    remark = Remark(consultation_id=consultation.id, kind="open_answer", source=source, author=response.respondent,
                    body=text, question_code=code, status="pending")
    session.add(remark)
    session.flush()
    audit(session, actor, "remark.marked", consultation.id, "odpowiedź w ankiecie jako uwaga", question=code,
          remark=str(remark.id))
    return remark


def unmark_open_answer(session: Session, consultation: Consultation, response_id: uuid.UUID, code: str, *,
                       actor: str) -> None:
    _open_answer(session, consultation, response_id, code)
    remark = session.scalar(select(Remark).where(Remark.consultation_id == consultation.id,
                                                 Remark.kind == "open_answer",
                                                 Remark.source == f"{response_id}:{code}").with_for_update())
    if remark is None:
        return
    if remark.status != "pending" or consultation.status == "report_published":
        raise Problem(409, "Ta uwaga ma już odpowiedź; nie można jej wycofać.",
                      "The remark has a reply; it cannot be withdrawn.")
    session.execute(update(Remark).where(Remark.shares_reply_of == remark.id).values(shares_reply_of=None))
    session.delete(remark)
    audit(session, actor, "remark.unmarked", consultation.id, "odpowiedź w ankiecie już nie jest uwagą",
          question=code)


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
           reply: str, also: list[uuid.UUID] | None = None) -> Remark:
    """The reply to `remark`, and the same reply to the alike remarks in `also` (they then share it)."""
    if not may_answer(session, consultation, principal):
        raise forbidden("Odpowiedź pisze komórka odpowiedzialna za konsultacje lub ich moderator.",
                        "The responsible department or the consultation's moderator writes the reply.")
    if consultation.status == "report_published":
        raise Problem(409, "Raport już opublikowano.", "The report is already published.")
    others = []
    for other_id in dict.fromkeys(also or []):
        other = session.get(Remark, other_id, with_for_update=True)
        if other is None or other.consultation_id != consultation.id or other.id == remark.id:
            raise Problem(422, "Wspólna odpowiedź może objąć tylko inne uwagi z tych konsultacji.",
                          "A shared reply covers only other remarks of this consultation.",
                          type_="https://glos.pl/problems/validation",
                          errors=[error("also", "Nieznana uwaga.", "Unknown remark.")])
        others.append(other)
    # remarks that shared this one's earlier reply keep it only if they are named again
    session.execute(update(Remark).where(Remark.shares_reply_of == remark.id,
                                         Remark.id.not_in([o.id for o in others] or [uuid.uuid4()]))
                    .values(shares_reply_of=None, status="pending", reply=None, answered_by=None, approved_by=None,
                            approved_at=None))
    for target, lead in ((remark, None), *((other, remark.id) for other in others)):
        target.status, target.reply, target.answered_by = status, reply, principal.subject
        target.shares_reply_of = lead
        target.approved_by = target.approved_at = None  # a changed reply is approved afresh
    audit(session, principal.subject, "remark.answered", remark.id, reply, status=status,
          shared_with=[str(o.id) for o in others])
    return remark


def approve(session: Session, remark: Remark, *, actor: str) -> Remark:
    """Approving a reply approves it for every remark that shares it."""
    if remark.status == "pending":
        raise Problem(409, "Najpierw trzeba odpowiedzieć na uwagę.", "The remark has no reply yet.")
    moment = now()
    remark.approved_by, remark.approved_at = actor, moment
    session.execute(update(Remark).where(Remark.shares_reply_of == remark.id)
                    .values(approved_by=actor, approved_at=moment))
    audit(session, actor, "remark.approved", remark.id, "zatwierdzenie odpowiedzi", status=remark.status)
    return remark


def of(session: Session, consultation: Consultation, *, status: str | None = None) -> list[Remark]:
    """The remarks in the report's order — grouped by what they are about, numbered from 1 — each with its
    `number` and `group` (a label) set."""
    numbered = [remark for group in grouped(session, consultation) for remark in group.remarks]
    return [r for r in numbered if status is None or r.status == status]


@dataclass
class Group:
    label: str
    remarks: list[Remark] = field(default_factory=list)


def grouped(session: Session, consultation: Consultation) -> list[Group]:
    """Remarks by document section (in the document's order; the whole document last), then by survey question,
    then those from meetings and e-mails; numbered in that order."""
    found = list(session.scalars(select(Remark).where(Remark.consultation_id == consultation.id)
                                 .order_by(Remark.created_at, Remark.source)))
    documents = {d.id: d for d in session.scalars(select(Document).where(
        Document.consultation_id == consultation.id).order_by(Document.created_at))}
    sections = {(s.document_id, s.anchor): s for s in session.scalars(
        select(Section).where(Section.document_id.in_(list(documents) or [uuid.uuid4()]))
        .order_by(Section.version))}  # the latest version of each section last, so it wins
    questions = {q.code: q for q in session.scalars(select(Question).where(
        Question.consultation_id == consultation.id))}
    document_order = {document_id: i for i, document_id in enumerate(documents)}

    def key_and_label(remark: Remark) -> tuple[tuple, str]:
        if remark.kind == "comment" and remark.document_id in documents:
            title = documents[remark.document_id].title
            section = sections.get((remark.document_id, remark.section_anchor))
            if section is None:
                return (0, document_order[remark.document_id], 10 ** 6), f"Dokument „{title}” — całość"
            heading = f"{section.heading} " if section.heading else ""
            return ((0, document_order[remark.document_id], section.position),
                    f"Dokument „{title}” — fragment {section.position}. {heading}".strip())
        if remark.kind == "open_answer" and remark.question_code in questions:
            question = questions[remark.question_code]
            return (1, question.position, 0), f"Ankieta — pytanie {question.code}: {question.text}"
        if remark.kind == "meeting":
            return (2, 0, 0), "Uwagi zgłoszone na spotkaniach"
        return (3, 0, 0), "Uwagi nadesłane e-mailem" if remark.kind == "email" else "Inne uwagi"

    keyed: dict[tuple, Group] = {}
    for remark in found:
        key, label = key_and_label(remark)
        keyed.setdefault(key, Group(label)).remarks.append(remark)
    groups = [keyed[key] for key in sorted(keyed)]
    number = 0
    for group in groups:
        for remark in group.remarks:
            number += 1
            remark.number, remark.group = number, group.label
    return groups


def moderation_summary(session: Session, consultation: Consultation) -> dict:
    """What moderation kept out of the report, and why: hidden comments by reason, held ones, redactions."""
    hidden = session.execute(select(Comment.hidden_reason, func.count()).where(
        Comment.consultation_id == consultation.id, Comment.status == "hidden")
        .group_by(Comment.hidden_reason).order_by(func.count().desc(), Comment.hidden_reason)).all()
    waiting = session.scalar(select(func.count()).select_from(Comment).where(
        Comment.consultation_id == consultation.id, Comment.status.in_(("pending", "flagged"))))
    redacted = session.scalar(select(func.count()).select_from(Comment).where(
        Comment.consultation_id == consultation.id, Comment.status == "published",
        Comment.moderator_note.is_not(None)))
    return {"hidden": sum(n for _, n in hidden), "hidden_by_reason": [{"reason": r or "", "count": n} for r, n in hidden],
            "waiting": waiting, "redacted": redacted}


def unfinished(session: Session, consultation: Consultation) -> dict:
    unanswered = session.scalar(select(func.count()).select_from(Remark).where(
        Remark.consultation_id == consultation.id, Remark.status == "pending"))
    unapproved = session.scalar(select(func.count()).select_from(Remark).where(
        Remark.consultation_id == consultation.id, Remark.status != "pending", Remark.approved_at.is_(None)))
    return {"unanswered": unanswered, "unapproved": unapproved}


def waiting_work(session: Session, principal: Principal) -> list[dict]:
    """For the office's home page: in each consultation the caller runs (not yet reported), what waits."""
    from .comments import queue_size

    found = []
    for consultation in session.scalars(select(Consultation).where(Consultation.status != "report_published")
                                        .order_by(Consultation.created_at)):
        if not (is_staff_of(session, consultation, principal) or may_answer(session, consultation, principal)):
            continue
        left = unfinished(session, consultation)
        row = {"consultation_id": consultation.id, "subject": consultation.subject, "status": consultation.status,
               "comments_to_moderate": queue_size(session, consultation) if is_staff_of(session, consultation, principal) else 0,
               "remarks_unanswered": left["unanswered"], "replies_to_approve": left["unapproved"]}
        if row["comments_to_moderate"] or row["remarks_unanswered"] or row["replies_to_approve"]:
            found.append(row)
    return found
