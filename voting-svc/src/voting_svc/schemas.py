"""What voting-svc's endpoints take and answer (marshmallow schemas, named in the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .paper import INVALID_REASONS


class ProjectSchema(Schema):
    proposal_id = fields.UUID()
    title = fields.String()
    cost = fields.Integer()


class EditionBallotSchema(Schema):
    edition_id = fields.UUID()
    name = fields.String()
    city = fields.String()
    year = fields.Integer()
    projects = fields.List(fields.Nested(ProjectSchema))


class BallotSchema(Schema):
    edition_id = fields.UUID()
    rules = fields.Dict()
    rules_sha256 = fields.String()
    frozen_at = fields.AwareDateTime()
    areas = fields.List(fields.Dict())


class ChoiceSchema(Schema):
    project_id = fields.UUID(required=True)
    points = fields.Integer(strict=True, load_default=None, allow_none=True)


class PartSchema(Schema):
    area_id = fields.UUID(required=True)
    choices = fields.List(fields.Nested(ChoiceSchema), required=True)


class BallotCastSchema(Schema):
    parts = fields.List(fields.Nested(PartSchema), required=True, validate=validate.Length(max=30))


class BallotCheckSchema(Schema):
    """A ballot, or the parts of one filled in so far, to check without casting it."""
    parts = fields.List(fields.Nested(PartSchema), required=True, validate=validate.Length(max=30))
    district = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    whole = fields.Boolean(load_default=True)


class BallotCheckedSchema(Schema):
    valid = fields.Boolean()
    parts = fields.List(fields.Dict())


class ReceiptSchema(Schema):
    receipt = fields.String()
    edition_id = fields.String()
    cast_at = fields.String()


class MyBallotSchema(Schema):
    state = fields.String(metadata={"description": "accepted | pending (being cast) | voided (all_invalid rule)"})
    channel = fields.String()
    receipt = fields.String(metadata={"description": "only when accepted"})
    edition_id = fields.String()
    cast_at = fields.String()


class TurnoutSchema(Schema):
    area_id = fields.UUID()
    channel = fields.String()
    voters = fields.Integer()


class AgeBandTurnoutSchema(Schema):
    area_id = fields.UUID()
    age_band = fields.String(metadata={"description": "<18, 18-29, 30-44, 45-59, 60-74 or 75+ on the voting day"})
    voters = fields.Integer()


class ResultsRequestSchema(Schema):
    seed = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ResultsSchema(Schema):
    edition_id = fields.UUID()
    sha256 = fields.String()
    receipts_count = fields.Integer()
    receipts_root = fields.String()
    published_at = fields.AwareDateTime()
    document = fields.Dict()


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class CloseSchema(ReasonSchema):
    # close although paper cards are not finished (they can be after the close; the results wait for them)
    confirm_unfinished_cards = fields.Boolean(load_default=False)


class ClosureSchema(Schema):
    edition_id = fields.UUID()
    closed_at = fields.AwareDateTime()
    closed_by = fields.String()


class OutageSchema(Schema):
    started_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    cause = fields.String()
    seconds = fields.Integer(metadata={"description": "its length within the edition's voting"})
    ongoing = fields.Boolean()


class OutageLedgerSchema(Schema):
    edition_id = fields.UUID()
    voting_from = fields.AwareDateTime(allow_none=True)
    voting_until = fields.AwareDateTime(allow_none=True)
    outages = fields.List(fields.Nested(OutageSchema))
    total_seconds = fields.Integer()


class ProjectTallySchema(Schema):
    area_id = fields.UUID()
    project_id = fields.UUID()
    points = fields.Integer()
    voters = fields.Integer()


class ProofSchema(Schema):
    receipt = fields.String()
    status = fields.String()
    leaf_index = fields.Integer()
    leaves = fields.Integer()
    path = fields.List(fields.Dict())
    root = fields.String()


class ChoiceEffectSchema(Schema):
    project_id = fields.String()
    title = fields.String()
    points = fields.Integer()
    selected = fields.Boolean()


class PaymentSchema(Schema):
    project_id = fields.String()
    title = fields.String()
    amount_gr = fields.Integer(metadata={"description": "grosze z udziału głosującego / grosze of the voter's share"})


class AreaEffectSchema(Schema):
    area_id = fields.String()
    name = fields.String()
    rule = fields.String()
    choices = fields.List(fields.Nested(ChoiceEffectSchema))
    share_gr = fields.Integer(metadata={"description": "MES: udział głosującego / MES: the voter's share"})
    paid = fields.List(fields.Nested(PaymentSchema), metadata={"description": "MES: na co poszedł udział"})
    left_gr = fields.Integer()


class VoteEffectSchema(Schema):
    receipt = fields.String()
    status = fields.String(metadata={"description": "counted, superseded, not_counted, invalid, late"})
    areas = fields.List(fields.Nested(AreaEffectSchema))


class HandOutSchema(Schema):
    card_number = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9-]{1,40}$"))
    credential = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=4000))


class EntrySchema(Schema):
    parts = fields.List(fields.Nested(PartSchema), required=True, validate=validate.Length(max=30))


class InvalidCardSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(INVALID_REASONS))
    note = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class ResolutionSchema(Schema):
    parts = fields.List(fields.Nested(PartSchema), load_default=None, validate=validate.Length(max=30))
    invalid_reason = fields.String(load_default=None, validate=validate.OneOf(INVALID_REASONS))
    note = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class PaperCardSchema(Schema):
    card_number = fields.String()
    status = fields.String()
    district = fields.String()
    entries = fields.List(fields.Dict())
    invalid_reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    receipt = fields.String(allow_none=True)
    handed_out_at = fields.AwareDateTime()


class CardQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["handed_out", "keyed_once", "mismatch", "accepted", "already_voted", "invalid", "unfinished"]),
        metadata={"description": "`unfinished`: handed out, keyed once or mismatched — what the results wait for"})
