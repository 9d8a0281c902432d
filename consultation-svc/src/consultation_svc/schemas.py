"""The API's contract. Unknown fields are refused and named in the error."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .remarks import OUTCOMES
from .surveys import AGE_BANDS, TYPES

_reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ConsultationCreateSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=5, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    scope_districts = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list,
                                  validate=validate.Length(max=100))
    forms = fields.List(fields.String(validate=validate.OneOf(["survey", "comments", "meetings", "debate"])),
                        required=True, validate=validate.Length(min=1))
    participation = fields.String(load_default="residents_in_scope",
                                  validate=validate.OneOf(["residents_in_scope", "registered", "anonymous_survey"]))
    department = fields.String(required=True, validate=validate.Length(min=2, max=100))
    moderation = fields.String(load_default="post", validate=validate.OneOf(["pre", "post"]))
    flag_threshold = fields.Integer(load_default=3, strict=True, validate=validate.Range(1, 100))
    responses_editable = fields.Boolean(load_default=True)
    opens_at = fields.AwareDateTime(load_default=None, allow_none=True)
    closes_at = fields.AwareDateTime(required=True)


class ConsultationEditSchema(ConsultationCreateSchema):
    """The announcement's fields to change (any of them, see EDITABLE), with the reason the audit keeps."""
    reason = _reason


EDITABLE = tuple(ConsultationCreateSchema._declared_fields)


class ConsultationSchema(ConsultationCreateSchema):
    id = fields.UUID()
    status = fields.String()
    created_at = fields.AwareDateTime()


class ModeratorSchema(Schema):
    account_id = fields.UUID(required=True)
    reason = _reason


class StatusChangeSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    reason = _reason
    # close although comments wait for moderation (they become remarks when published; the report waits)
    confirm_pending = fields.Boolean(load_default=False)


class ConditionSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=50))
    any_of = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))


class QuestionTypesSchema(Schema):
    types = fields.List(fields.String())
    text_types = fields.List(fields.String())
    age_bands = fields.List(fields.String())


class QuestionSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{1,50}$"))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    text = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    required = fields.Boolean(load_default=False)
    spec = fields.Dict(load_default=dict)
    condition = fields.Nested(ConditionSchema, load_default=None, allow_none=True)


class SurveySchema(Schema):
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=200))


class ResponseSchema(Schema):
    answers = fields.Dict(keys=fields.String(), required=True)
    # only for an anonymous survey: what the respondent chooses to say about themselves, for the statistics
    district = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    age_band = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(AGE_BANDS))


class ResponseOutSchema(Schema):
    id = fields.UUID()
    answers = fields.Dict()
    submitted_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ResultsQuerySchema(Schema):
    by = fields.String(load_default=None, validate=validate.OneOf(["district", "age_band"]))


class SectionInSchema(Schema):
    anchor = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z0-9-]{1,50}$"))
    heading = fields.String(load_default="", validate=validate.Length(max=300))
    body = fields.String(required=True, validate=validate.Length(min=1, max=50000))


class DocumentCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    sections = fields.List(fields.Nested(SectionInSchema), required=True, validate=validate.Length(min=1, max=500))

    @validates_schema
    def anchors_unique(self, data, **kwargs):
        anchors = [s["anchor"] for s in data["sections"] if s.get("anchor")]
        if len(anchors) != len(set(anchors)):
            raise ValidationError("Kotwice fragmentów muszą być różne.", "sections")


class SectionSchema(Schema):
    anchor = fields.String()
    version = fields.Integer()
    position = fields.Integer()
    heading = fields.String()
    body = fields.String()


class DocumentSchema(Schema):
    id = fields.UUID()
    consultation_id = fields.UUID()
    title = fields.String()
    sections = fields.List(fields.Nested(SectionSchema))


class SectionRevisionSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=50000))
    reason = _reason


class CommentCreateSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=2, max=5000))
    section = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    parent_id = fields.UUID(load_default=None, allow_none=True)


class CommentSchema(Schema):
    id = fields.UUID()
    document_id = fields.UUID()
    section_anchor = fields.String(allow_none=True)
    section_version = fields.Integer(allow_none=True)
    parent_id = fields.UUID(allow_none=True)
    body = fields.String()
    status = fields.String()
    held_for = fields.String(allow_none=True)
    hidden_reason = fields.String(allow_none=True)
    moderator_note = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class ThreadCommentSchema(CommentSchema):
    """A comment in a document's thread, with its support and whether it is the caller's own."""
    support = fields.Integer()
    oppose = fields.Integer()
    mine = fields.Boolean()


class ReactionSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["support", "oppose"]))


class ReactionCountSchema(Schema):
    support = fields.Integer()
    oppose = fields.Integer()


class FlagSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class ModerationSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["publish", "hide", "redact"]))
    reason = _reason
    redacted_body = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=5000))


class BulkModerationSchema(Schema):
    """One decision with one reason for several comments (redaction is one comment at a time)."""

    comment_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=200))
    decision = fields.String(required=True, validate=validate.OneOf(["publish", "hide"]))
    reason = _reason


class QueueItemSchema(CommentSchema):
    """A comment waiting for a moderator, with its context and flags."""

    consultation_subject = fields.String()
    document_title = fields.String()
    section_heading = fields.String(allow_none=True)
    section_text = fields.String(allow_none=True)
    parent_body = fields.String(allow_none=True)
    flag_count = fields.Integer()
    flag_reasons = fields.List(fields.String())


class BannedWordSchema(Schema):
    stem = fields.String(required=True, validate=validate.Length(min=3, max=100))


class MeetingCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    online_link = fields.Url(load_default=None, allow_none=True, schemes={"https"})
    starts_at = fields.AwareDateTime(required=True)
    registration_closes_at = fields.AwareDateTime(required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10_000))


class MeetingSchema(MeetingCreateSchema):
    id = fields.UUID()
    consultation_id = fields.UUID()
    minutes = fields.String(allow_none=True)
    confirmed = fields.Integer()
    waitlisted = fields.Integer()


class RegistrationSchema(Schema):
    id = fields.UUID()
    account_id = fields.String()
    status = fields.String()
    attended = fields.Boolean(allow_none=True)
    created_at = fields.AwareDateTime()


class MyRegistrationSchema(RegistrationSchema):
    waitlist_position = fields.Integer(allow_none=True, metadata={"description": "1 = the next to get a seat"})


class AttendanceSchema(Schema):
    present = fields.List(fields.String(validate=validate.Length(max=64)), required=True)


class MinutesSchema(Schema):
    minutes = fields.String(required=True, validate=validate.Length(min=10, max=100000))


class MeetingRemarkSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=3, max=10000))
    speaker = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class EmailRemarkSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=3, max=20000))
    sender = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    received = fields.String(required=True, validate=validate.Length(min=4, max=100))


class RemarkSchema(Schema):
    id = fields.UUID()
    number = fields.Integer(metadata={"description": "The remark's number in the report (grouped order)"})
    group = fields.String(metadata={"description": "What it is about: a document's section, a survey question…"})
    kind = fields.String()
    source = fields.String()
    body = fields.String()
    document_id = fields.UUID(allow_none=True)
    section_anchor = fields.String(allow_none=True)
    question_code = fields.String(allow_none=True)
    shares_reply_of = fields.UUID(allow_none=True, metadata={"description": "The remark whose reply this one shares"})
    status = fields.String()
    reply = fields.String(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)


class OpenAnswerSchema(Schema):
    response_id = fields.UUID()
    question_code = fields.String()
    question_text = fields.String()
    text = fields.String()
    remark_id = fields.UUID(allow_none=True, metadata={"description": "The remark it became, once marked"})


class ModerationSummarySchema(Schema):
    hidden = fields.Integer()
    hidden_by_reason = fields.List(fields.Dict())
    waiting = fields.Integer()
    redacted = fields.Integer()


class RemarkQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(["pending", *OUTCOMES]))


class ReplySchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reply = fields.String(required=True, validate=validate.Length(min=10, max=20000))
    also = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500),
                       metadata={"description": "Alike remarks the same reply answers (they share it)"})


class ReportSchema(Schema):
    consultation_id = fields.UUID()
    version = fields.Integer()
    sha256 = fields.String()
    published = fields.Boolean()
    created_at = fields.AwareDateTime()


class ReportQuerySchema(Schema):
    draft = fields.Boolean(load_default=False)


class MatrixRowSummarySchema(Schema):
    mean = fields.Float(required=True, allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class QuestionSummarySchema(Schema):
    """One question's summary; which members it has depends on its type (surveys.aggregate_question)."""
    code = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    text = fields.String(required=True)
    answered = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "single, multiple, scale: answers per option or value"})
    percent = fields.Dict(keys=fields.String(), values=fields.Float())
    mean = fields.Float(allow_none=True)
    median = fields.Float(allow_none=True)
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    mean_position = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    first_choice = fields.Dict(keys=fields.String(), values=fields.Integer())
    order = fields.List(fields.String())
    rows = fields.Dict(keys=fields.String(), values=fields.Nested(MatrixRowSummarySchema))


class ResultsGroupSchema(Schema):
    responses = fields.Integer(required=True)
    questions = fields.List(fields.Nested(QuestionSummarySchema), required=True)


class ResultsSchema(ResultsGroupSchema):
    """All responses summarised; with `by`, also per district or age band."""
    by = fields.String(validate=validate.OneOf(["district", "age_band"]))
    groups = fields.Dict(keys=fields.String(), values=fields.Nested(ResultsGroupSchema))


class ConsultationWorkSchema(Schema):
    """What waits in one consultation the caller runs: comments to moderate, remarks to answer and to approve."""

    consultation_id = fields.UUID()
    subject = fields.String()
    status = fields.String()
    comments_to_moderate = fields.Integer()
    remarks_unanswered = fields.Integer()
    replies_to_approve = fields.Integer()
