"""The API's contract. Unknown fields are refused (marshmallow's default RAISE) and named in the error."""

from marshmallow import Schema, fields, validate

from .rules import VotingRulesSchema


class EditionCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    city = fields.String(required=True, validate=validate.Length(min=2, max=100))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))


class EditionSchema(EditionCreateSchema):
    id = fields.UUID(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class ProposalCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    cost = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000_000_000))


class ProposalSchema(ProposalCreateSchema):
    id = fields.UUID(dump_only=True)
    edition_id = fields.UUID(dump_only=True)
    area_id = fields.UUID(dump_only=True, allow_none=True)
    external_id = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class AreaSchema(Schema):
    id = fields.UUID(dump_only=True)
    edition_id = fields.UUID(dump_only=True)
    name = fields.String()
    kind = fields.String()
    budget = fields.Integer()
    max_project_cost = fields.Integer(allow_none=True)


class PabulibImportQuerySchema(Schema):
    source = fields.String(load_default="upload.pb", validate=validate.Length(min=1, max=200))


class RulesChangeSchema(Schema):
    rules = fields.Nested(VotingRulesSchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RulesStateSchema(Schema):
    edition_id = fields.UUID(attribute="id")
    voting_rules = fields.Dict(allow_none=True)
    rules_frozen_at = fields.AwareDateTime(allow_none=True)
    rules_sha256 = fields.String(allow_none=True)
