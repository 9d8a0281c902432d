"""The blueprints (one per URL prefix, each a tag of the OpenAPI document) and what several resources' views
share: a consultation's questions and documents, and who may see results before the close."""

from __future__ import annotations

import uuid

from flask_smorest import Blueprint
from sqlalchemy import select

from glos_chassis.errors import Problem

from .. import shared
from ..models import Document, Question

consultations_blp = Blueprint("consultations", __name__, url_prefix="/consultations",
                description="Konsultacje społeczne / Public consultations")
comments_blp = Blueprint("comments", __name__, url_prefix="/comments", description="Komentarze / Comments")
meetings_blp = Blueprint("meetings", __name__, url_prefix="/meetings", description="Spotkania / Meetings")
remarks_blp = Blueprint("remarks", __name__, url_prefix="/remarks", description="Uwagi i odpowiedzi / Remarks")
words_blp = Blueprint("banned_words", __name__, url_prefix="/banned-words",
                      description="Słowa wstrzymujące komentarz / Banned words")

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
    if principal is None or not shared.is_staff_of(session, consultation, principal):
        raise Problem(403, "Wyniki są publiczne po zamknięciu konsultacji.", "Results are public after the close.",
                      type_="https://glos.pl/problems/forbidden")
