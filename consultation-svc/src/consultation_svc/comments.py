"""Comments on a consultation document and their moderation.

A document is split into sections with stable anchors (`par-1`, `par-2`, …); a comment points at a section
and the version of its text the resident read, or at the whole document; replies make threads. Residents
support or oppose comments.

Moderation, per consultation:
- pre-moderation: every comment waits (`pending`) for a moderator;
- post-moderation: comments are published at once, unless one contains a banned word (held as `pending`);
- in both, a flagged comment enters the queue at its first flag (with the flags' count and reasons); when the
  number of flags reaches the consultation's threshold it is also hidden (`flagged`) until a moderator decides.
A moderator publishes (keeps), hides (with a reason the author sees) or edits out personal data (with a note),
one comment at a time or many with one reason. Every decision is audited and announced as `comment.moderated`.
A published comment is a remark the report answers (remarks.track_comment keeps the two in step).
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.auth import Principal
from glos_chassis.errors import Problem

from . import events, remarks
from .shared import audit, error, forbidden, is_staff_of, require_open
from .models import BannedWord, Comment, CommentFlag, CommentReaction, Consultation, Document, Section

VISIBLE = "published"


def create_document(session: Session, consultation: Consultation, *, title: str, sections: list[dict],
                    actor: str) -> Document:
    document = Document(consultation_id=consultation.id, title=title)
    session.add(document)
    session.flush()
    for position, section in enumerate(sections, start=1):
        session.add(Section(document_id=document.id, anchor=section.get("anchor") or f"par-{position}", version=1,
                            position=position, heading=section.get("heading", ""), body=section["body"]))
    session.flush()
    audit(session, actor, "document.added", consultation.id, title, document=str(document.id), sections=len(sections))
    return document


def current_sections(session: Session, document_id: uuid.UUID) -> list[Section]:
    latest = select(Section.anchor, func.max(Section.version).label("version")).where(
        Section.document_id == document_id).group_by(Section.anchor).subquery()
    return list(session.scalars(select(Section).join(latest, (Section.anchor == latest.c.anchor)
                                                     & (Section.version == latest.c.version))
                                .where(Section.document_id == document_id).order_by(Section.position)))


def revise_section(session: Session, document: Document, anchor: str, *, body: str, actor: str, reason: str) -> Section:
    current = next((s for s in current_sections(session, document.id) if s.anchor == anchor), None)
    if current is None:
        raise Problem(404, "Nie ma takiego fragmentu.", "No such section.")
    revised = Section(document_id=document.id, anchor=anchor, version=current.version + 1, position=current.position,
                      heading=current.heading, body=body)
    session.add(revised)
    audit(session, actor, "document.section_revised", document.consultation_id, reason, anchor=anchor,
          version=revised.version)
    return revised


# -- banned words ------------------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Lower case, Polish letters kept apart from their base (ł≠l matters), common obfuscations undone."""
    text = unicodedata.normalize("NFC", text.lower())
    return text.translate(str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "*": "u"}))


def banned_words_in(session: Session, text: str) -> list[str]:
    stems = session.scalars(select(BannedWord.stem)).all()
    words = re.findall(r"[\w*@$]+", _fold(text))
    # a stem matches a word it begins, or a word it is inside after a common prefix (wy-, za-, s-, prze-, od-, po-)
    prefixes = ("", "wy", "za", "s", "prze", "od", "po", "u", "na", "roz", "do")
    return sorted({stem for stem in stems for word in words
                   if any(word.startswith(prefix + stem) for prefix in prefixes)})


def add_banned_word(session: Session, stem: str, *, actor: str) -> None:
    """A stem is letters only (after folding the usual obfuscations): comments are matched word by word, so a
    stem with a space or a `/` could never match — and could never be deleted through its URL either."""
    folded = _fold(stem.strip())
    if not re.fullmatch(r"[^\W\d_]{3,100}", folded):
        raise Problem(422, "Rdzeń słowa może mieć tylko litery (co najmniej 3), bez spacji i znaków.",
                      "A stem is letters only (at least 3), no spaces or symbols.",
                      type_="https://glos.pl/problems/validation",
                      errors=[{"location": "json", "field": "stem", "message": "Tylko litery.",
                               "message_en": "Letters only."}])
    session.execute(insert(BannedWord).values(stem=folded, added_by=actor).on_conflict_do_nothing())
    audit(session, actor, "banned_word.added", "banned_words", stem)


def remove_banned_word(session: Session, stem: str, *, actor: str) -> None:
    word = session.get(BannedWord, _fold(stem.strip()))
    if word is None:
        raise Problem(404, "Tego słowa nie ma na liście.", "The word is not on the list.")
    session.delete(word)
    audit(session, actor, "banned_word.removed", "banned_words", stem)


# -- comments ----------------------------------------------------------------------------------------------------

def post(session: Session, consultation: Consultation, document: Document, *, author: str, body: str,
         section_anchor: str | None, parent_id: uuid.UUID | None) -> Comment:
    require_open(consultation)
    section_version = None
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.document_id != document.id or parent.status != VISIBLE:
            raise Problem(422, "Można odpowiadać tylko na opublikowane komentarze tego dokumentu.",
                          "You can only reply to a published comment on this document.",
                          type_="https://glos.pl/problems/validation",
                          errors=[error("parent_id", "Nieznany komentarz.", "Unknown comment.")])
        section_anchor, section_version = parent.section_anchor, parent.section_version
    elif section_anchor is not None:
        section = next((s for s in current_sections(session, document.id) if s.anchor == section_anchor), None)
        if section is None:
            raise Problem(422, "Nie ma takiego fragmentu dokumentu.", "No such section in the document.",
                          type_="https://glos.pl/problems/validation",
                          errors=[error("section", "Nieznany fragment.", "Unknown section.")])
        section_version = section.version
    banned = banned_words_in(session, body)
    status, held_for = VISIBLE, None
    if banned:
        status, held_for = "pending", "banned_words"
    elif consultation.moderation == "pre":
        status, held_for = "pending", "pre_moderation"
    comment = Comment(consultation_id=consultation.id, document_id=document.id, section_anchor=section_anchor,
                      section_version=section_version, parent_id=parent_id, author=author, body=body, status=status,
                      held_for=held_for)
    session.add(comment)
    session.flush()
    remarks.track_comment(session, comment)
    events.publish(session, "comment.posted", consultation, comment_id=str(comment.id), status=status,
                   section=section_anchor)
    return comment


def get_comment(session: Session, comment_id: uuid.UUID, *, for_update: bool = False) -> Comment:
    found = session.get(Comment, comment_id, with_for_update=for_update or None)
    if found is None:
        raise Problem(404, "Nie ma takiego komentarza.", "No such comment.")
    return found


def react(session: Session, consultation: Consultation, comment: Comment, *, account: str, kind: str) -> dict:
    require_open(consultation)
    if comment.status != VISIBLE:
        raise Problem(409, "Ten komentarz nie jest opublikowany.", "The comment is not published.")
    if comment.author == account:
        raise Problem(409, "Nie można oceniać własnego komentarza.", "You cannot rate your own comment.")
    session.execute(insert(CommentReaction).values(comment_id=comment.id, account_id=account, kind=kind)
                    .on_conflict_do_update(index_elements=["comment_id", "account_id"], set_={"kind": kind}))
    return reactions(session, comment.id)


def reactions(session: Session, comment_id: uuid.UUID) -> dict:
    counts = dict(session.execute(select(CommentReaction.kind, func.count()).where(
        CommentReaction.comment_id == comment_id).group_by(CommentReaction.kind)).all())
    return {"support": counts.get("support", 0), "oppose": counts.get("oppose", 0)}


def reaction_counts(session: Session, comment_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """Support and opposition of many comments in one query (a document's thread)."""
    counts: dict[uuid.UUID, dict] = {}
    if comment_ids:
        for comment_id, kind, n in session.execute(
                select(CommentReaction.comment_id, CommentReaction.kind, func.count())
                .where(CommentReaction.comment_id.in_(comment_ids))
                .group_by(CommentReaction.comment_id, CommentReaction.kind)):
            counts.setdefault(comment_id, {"support": 0, "oppose": 0})[kind] = n
    return counts


def flag(session: Session, consultation: Consultation, comment: Comment, *, account: str, reason: str) -> Comment:
    if consultation.status == "report_published":  # the report stands; nobody could decide on the flag any more
        raise Problem(409, "Raport z tych konsultacji jest już opublikowany.", "The consultation's report is published.",
                      type_="https://glos.pl/problems/wrong-status")
    if comment.status not in (VISIBLE, "flagged"):
        raise Problem(409, "Ten komentarz nie jest opublikowany.", "The comment is not published.")
    inserted = session.execute(insert(CommentFlag).values(comment_id=comment.id, account_id=account, reason=reason)
                               .on_conflict_do_nothing().returning(CommentFlag.comment_id)).first()
    if inserted is None:
        raise Problem(409, "Ten komentarz został już przez Ciebie zgłoszony.", "You already flagged this comment.")
    flags = session.scalar(select(func.count()).select_from(CommentFlag).where(CommentFlag.comment_id == comment.id))
    if comment.status == VISIBLE and flags >= consultation.flag_threshold:
        comment.status, comment.held_for = "flagged", f"flags:{flags}"
        remarks.track_comment(session, comment)
        events.publish(session, "comment.flagged", consultation, comment_id=str(comment.id), flags=flags)
    return comment


def visible_to(session: Session, comment: Comment, consultation: Consultation, principal: Principal | None) -> bool:
    if comment.status == VISIBLE:
        return True
    if principal is None:
        return False
    return comment.author == principal.subject or is_staff_of(session, consultation, principal)


def _unreviewed_flags():
    """Flags a moderator has not looked at yet (those after the comment was last kept)."""
    return exists().where(CommentFlag.comment_id == Comment.id,
                          or_(Comment.flags_reviewed_at.is_(None), CommentFlag.created_at > Comment.flags_reviewed_at))


def queue(session: Session, consultation: Consultation) -> list[Comment]:
    """What waits for a moderator: held comments, hidden-by-flags ones, and published ones with new flags."""
    return list(session.scalars(select(Comment).where(
        Comment.consultation_id == consultation.id,
        or_(Comment.status.in_(("pending", "flagged")), and_(Comment.status == VISIBLE, _unreviewed_flags())))
        .order_by(Comment.created_at)))


def queue_size(session: Session, consultation: Consultation) -> int:
    return len(queue(session, consultation))


def in_context(session: Session, consultation: Consultation, items: list[Comment]) -> list[dict]:
    """Each queued comment with what a moderator needs to decide: the consultation, the document and the section
    it is about (the text the author read), the comment it answers, and its flags."""
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.consultation_id == consultation.id))}
    flags: dict[uuid.UUID, list[CommentFlag]] = {}
    for row in session.scalars(select(CommentFlag).where(CommentFlag.comment_id.in_([c.id for c in items] or [uuid.uuid4()]))
                               .order_by(CommentFlag.created_at)):
        flags.setdefault(row.comment_id, []).append(row)
    found = []
    for comment in items:
        section = None
        if comment.section_anchor:
            section = session.get(Section, (comment.document_id, comment.section_anchor, comment.section_version or 1))
        parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
        document = documents.get(comment.document_id)
        found.append({**{column: getattr(comment, column) for column in (
            "id", "document_id", "section_anchor", "section_version", "parent_id", "body", "status", "held_for",
            "hidden_reason", "moderator_note", "created_at")},
            "consultation_subject": consultation.subject, "document_title": document.title if document else "",
            "section_heading": section.heading if section else None,
            "section_text": section.body if section else None,
            "parent_body": parent.body if parent else None,
            "flag_count": len(flags.get(comment.id, [])),
            "flag_reasons": [f.reason for f in flags.get(comment.id, [])]})
    return found


def moderate(session: Session, consultation: Consultation, comment: Comment, *, principal: Principal, decision: str,
             reason: str, redacted_body: str | None) -> Comment:
    if not is_staff_of(session, consultation, principal):
        raise forbidden("Komentarze moderują moderatorzy przypisani do tej konsultacji.",
                        "Only this consultation's moderators moderate its comments.")
    if consultation.status == "report_published":
        raise Problem(409, "Raport już opublikowano; jego uwagi się nie zmienią.",
                      "The report is published; its remarks no longer change.",
                      type_="https://glos.pl/problems/wrong-status")
    before = comment.status
    if decision == "publish":  # also "keep": the flags so far were looked at
        comment.status, comment.hidden_reason = VISIBLE, None
        comment.flags_reviewed_at = func.now()
    elif decision == "hide":
        comment.status, comment.hidden_reason = "hidden", reason
    else:  # redact: the personal data is edited out, the rest stays; the note says so
        if not redacted_body or redacted_body == comment.body:
            raise Problem(422, "Podaj treść po usunięciu danych osobowych.", "Give the text with the personal data removed.",
                          type_="https://glos.pl/problems/validation",
                          errors=[error("redacted_body", "Wymagana zmieniona treść.", "A changed text is required.")])
        comment.body, comment.status = redacted_body, VISIBLE
        comment.moderator_note = reason
        comment.flags_reviewed_at = func.now()
    comment.held_for = None
    session.flush()
    remarks.track_comment(session, comment)
    audit(session, principal.subject, f"comment.{decision}", comment.id, reason, before=before,
          consultation=str(consultation.id))
    events.publish(session, "comment.moderated", consultation, comment_id=str(comment.id), decision=decision,
                   reason=reason, author=comment.author)
    return comment


def moderate_many(session: Session, consultation: Consultation, comment_ids: list[uuid.UUID], *,
                  principal: Principal, decision: str, reason: str) -> list[Comment]:
    """One decision with one reason for several comments of this consultation (all or none)."""
    decided = []
    for comment_id in dict.fromkeys(comment_ids):
        comment = session.get(Comment, comment_id, with_for_update=True)
        if comment is None or comment.consultation_id != consultation.id:
            raise Problem(422, "Można decydować tylko o komentarzach tych konsultacji.",
                          "Only this consultation's comments can be decided here.",
                          type_="https://glos.pl/problems/validation",
                          errors=[error("comment_ids", "Nieznany komentarz.", "Unknown comment.")])
        decided.append(moderate(session, consultation, comment, principal=principal, decision=decision,
                                reason=reason, redacted_body=None))
    return decided
