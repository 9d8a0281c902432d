"""consultation-svc: consultations, their documents and comments, surveys, meetings, moderation and the report. Its
requests as functions (the package says how they are called)."""

from __future__ import annotations

from ._service import Service, segment

_service = Service("consultation")


def audit(**options):
    return _service.get("/audit", **options)


def add_banned_word(**options):
    return _service.send("POST", "/banned-words", **options)


def banned_words(**options):
    return _service.get("/banned-words", **options)


def remove_banned_word(stem, **options):
    return _service.send("DELETE", f"/banned-words/{segment(stem)}", **options)


def flag_comment(comment_id, **options):
    return _service.send("POST", f"/comments/{segment(comment_id)}/flags", **options)


def moderate_comment(comment_id, **options):
    return _service.send("POST", f"/comments/{segment(comment_id)}/moderation", **options)


def react_to_comment(comment_id, **options):
    return _service.send("POST", f"/comments/{segment(comment_id)}/reactions", **options)


def consultations(**options):
    return _service.get("/consultations", **options)


def create_consultation(**options):
    return _service.send("POST", "/consultations", **options)


def question_types(**options):
    return _service.get("/consultations/question-types", **options)


def work_waiting(**options):
    return _service.get("/consultations/work", **options)


def change_consultation(consultation_id, **options):
    return _service.send("PATCH", f"/consultations/{segment(consultation_id)}", **options)


def consultation(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}", **options)


def add_document(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/documents", **options)


def documents(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/documents", **options)


def document(consultation_id, document_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/documents/{segment(document_id)}", **options)


def comment_on_document(consultation_id, document_id, **options):
    return _service.send(
        "POST", f"/consultations/{segment(consultation_id)}/documents/{segment(document_id)}/comments", **options)


def document_comments(consultation_id, document_id, **options):
    return _service.get(
        f"/consultations/{segment(consultation_id)}/documents/{segment(document_id)}/comments", **options)


def revise_section(consultation_id, document_id, anchor, **options):
    return _service.send("PUT", f"/consultations/{segment(consultation_id)}/documents/{segment(document_id)}"
                                f"/sections/{segment(anchor)}", **options)


def add_meeting(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/meetings", **options)


def meetings(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/meetings", **options)


def moderate_comments(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/moderation", **options)


def moderation_queue(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/moderation-queue", **options)


def moderation_summary(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/moderation-summary", **options)


def assign_moderator(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/moderators", **options)


def open_answers(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/open-answers", **options)


def mark_open_answer_as_remark(consultation_id, response_id, question_code, **options):
    return _service.send("PUT", f"/consultations/{segment(consultation_id)}/open-answers/{segment(response_id)}"
                                f"/{segment(question_code)}/remark", **options)


def unmark_open_answer(consultation_id, response_id, question_code, **options):
    return _service.send("DELETE", f"/consultations/{segment(consultation_id)}/open-answers/{segment(response_id)}"
                                   f"/{segment(question_code)}/remark", **options)


def record_emailed_remark(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/remarks", **options)


def remarks(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/remarks", **options)


def new_report_version(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/report", **options)


def report(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/report", **options)


def report_pdf(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/report.pdf", **options)


def publish_report(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/report/publication", **options)


def report_versions(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/report/versions", **options)


def answer_survey(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/responses", **options)


def my_response(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/responses/mine", **options)


def survey_results(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/results", **options)


def change_status(consultation_id, **options):
    return _service.send("POST", f"/consultations/{segment(consultation_id)}/status", **options)


def replace_survey(consultation_id, **options):
    return _service.send("PUT", f"/consultations/{segment(consultation_id)}/survey", **options)


def survey(consultation_id, **options):
    return _service.get(f"/consultations/{segment(consultation_id)}/survey", **options)


def record_attendance(meeting_id, **options):
    return _service.send("POST", f"/meetings/{segment(meeting_id)}/attendance", **options)


def save_minutes(meeting_id, **options):
    return _service.send("POST", f"/meetings/{segment(meeting_id)}/minutes", **options)


def meeting_registrations(meeting_id, **options):
    return _service.get(f"/meetings/{segment(meeting_id)}/registrations", **options)


def register_for_meeting(meeting_id, **options):
    return _service.send("POST", f"/meetings/{segment(meeting_id)}/registrations", **options)


def cancel_registration(meeting_id, **options):
    return _service.send("DELETE", f"/meetings/{segment(meeting_id)}/registrations/mine", **options)


def my_registration(meeting_id, **options):
    return _service.get(f"/meetings/{segment(meeting_id)}/registrations/mine", **options)


def record_meeting_remark(meeting_id, **options):
    return _service.send("POST", f"/meetings/{segment(meeting_id)}/remarks", **options)


def approve_reply(remark_id, **options):
    return _service.send("POST", f"/remarks/{segment(remark_id)}/approval", **options)


def reply_to_remark(remark_id, **options):
    return _service.send("PUT", f"/remarks/{segment(remark_id)}/reply", **options)
