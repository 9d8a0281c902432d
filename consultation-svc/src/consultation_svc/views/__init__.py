"""consultation-svc's HTTP endpoints, one module per resource: parse, check who may, call one use case, answer.

    consultations   /consultations, …/ID, moderators, status
    surveys         …/survey, …/responses (one's own, anonymous), …/results, …/responses.csv
    documents       …/documents, sections, comments on them
    comments        …/moderation-queue, /comments/ID/reactions, flags, moderation
    banned_words    /banned-words
    meetings        …/meetings, /meetings/ID/registrations, attendance, minutes, remarks
    remarks         …/remarks, /remarks/ID/reply, approval
    report          …/report, versions, publication, report.html, report.pdf

The blueprints (one per URL prefix) and the helpers several modules share are in `common`.
"""

from __future__ import annotations

# each module registers its routes on the blueprints when imported
from . import banned_words, comments, consultations, documents, meetings, remarks, report, surveys  # noqa: F401
from .common import comments_blp, consultations_blp, meetings_blp, remarks_blp, words_blp


def register(api) -> None:
    for blueprint in (consultations_blp, comments_blp, meetings_blp, remarks_blp, words_blp):
        api.register_blueprint(blueprint)
