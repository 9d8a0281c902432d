"""The API's contract. Unknown fields are refused (marshmallow's default RAISE) and named in the error."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .lifecycle import EditionSettingsSchema, settings_of
from .phases import PHASES
from .rules import VotingRulesSchema


class _Settings(EditionSettingsSchema):
    class Meta:
        unknown = "raise"


class EditionCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    city = fields.String(required=True, validate=validate.Length(min=2, max=100))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    settings = fields.Nested(_Settings, load_default=dict)
    kind = fields.String(load_default="participatory_budget",
                         validate=validate.OneOf(["participatory_budget", "local_initiative"]))


class EditionSchema(EditionCreateSchema):
    id = fields.UUID(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    current_phase = fields.String(dump_only=True)
    phase_changed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    # the settings in force: what was set, and the defaults for the rest (an edition created without settings
    # still has a formal checklist, appeal days, scoring criteria…, and clients are shown them)
    settings = fields.Method("effective_settings", dump_only=True)

    def effective_settings(self, edition) -> dict:
        return _Settings().dump(settings_of(edition))


class SettingsChangeSchema(Schema):
    settings = fields.Nested(_Settings, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class PhaseSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class ScheduleSchema(Schema):
    phases = fields.List(fields.Nested(PhaseSchema), required=True, validate=validate.Length(min=1, max=len(PHASES)))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class VotingExtensionRequestSchema(Schema):
    ends_at = fields.AwareDateTime(required=True, metadata={"description": "the new end of voting"})
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000),
                           metadata={"description": "what residents are told, e.g. the outage it makes up for"})
    outage_seconds = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                                    metadata={"description": "the outage ledger's total it makes up for, if any"})


class VotingExtensionSchema(Schema):
    previous_ends_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    reason = fields.String()
    outage_seconds = fields.Integer(allow_none=True)
    extended_at = fields.AwareDateTime()


class ScheduleStateSchema(Schema):
    current_phase = fields.String()
    phase_changed_at = fields.AwareDateTime(allow_none=True)
    phases = fields.List(fields.Nested(PhaseSchema))
    voting_extensions = fields.List(fields.Nested(VotingExtensionSchema))


class PhaseChangeSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class CostItemSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000_000_000))


class ContributionSchema(Schema):
    """A local initiative's own contribution (wkład własny)."""

    work = fields.String(load_default="", validate=validate.Length(max=2000))
    goods = fields.String(load_default="", validate=validate.Length(max=2000))
    money = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 10_000_000))


class ProposalContentSchema(Schema):
    """What a resident writes. For a draft everything but the title may be missing; submission checks the rest."""

    title = fields.String(validate=validate.Length(min=3, max=200))
    description = fields.String(validate=validate.Length(max=20000))
    justification = fields.String(validate=validate.Length(max=10000))
    area_id = fields.UUID(allow_none=True)
    category = fields.String(allow_none=True, validate=validate.Length(max=100))
    location_address = fields.String(allow_none=True, validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    cost_items = fields.List(fields.Nested(CostItemSchema), validate=validate.Length(max=50))
    beneficiaries = fields.String(validate=validate.Length(max=5000))
    universal_design = fields.String(validate=validate.Length(max=5000))
    coauthors = fields.List(fields.UUID(), validate=validate.Length(max=2))
    contribution = fields.Nested(ContributionSchema, allow_none=True)


class DraftCreateSchema(ProposalContentSchema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))


class ProposalSchema(Schema):
    id = fields.UUID()
    edition_id = fields.UUID()
    area_id = fields.UUID(allow_none=True)
    external_id = fields.String(allow_none=True)
    title = fields.String()
    description = fields.String()
    justification = fields.String()
    category = fields.String(allow_none=True)
    location_address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    cost_items = fields.List(fields.Dict())
    cost = fields.Integer()
    beneficiaries = fields.String()
    universal_design = fields.String()
    status = fields.String()
    version = fields.Integer()
    department_code = fields.String(allow_none=True)
    rejection_stage = fields.String(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    city_cost_estimate = fields.Integer(allow_none=True)
    contribution = fields.Dict(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    # the last negative decision's time: the appeal deadline counts from it (the edition's appeal_days)
    decided_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class ProposalListQuerySchema(Schema):
    status = fields.String(validate=validate.Length(max=30))
    area_id = fields.UUID()


class SupportStateSchema(Schema):
    proposal_id = fields.UUID()
    supporters = fields.Integer()


class FormalItemSchema(Schema):
    passed = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class FormalVerificationSchema(Schema):
    items = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=50)),
                        values=fields.Nested(FormalItemSchema), required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class FindingSchema(Schema):
    ok = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class SubstantiveReviewSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(["positive", "negative", "returned"]))
    feasibility = fields.Nested(FindingSchema, required=True)
    legal = fields.Nested(FindingSchema, required=True)
    ownership = fields.Nested(FindingSchema, required=True)
    city_cost_estimate = fields.Integer(load_default=None, allow_none=True, strict=True,
                                        validate=validate.Range(min=1, max=10_000_000_000))
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class ReviewSchema(Schema):
    id = fields.UUID()
    stage = fields.String()
    department_code = fields.String(allow_none=True)
    reviewer = fields.String()
    outcome = fields.String()
    findings = fields.Dict()
    reason = fields.String()
    created_at = fields.AwareDateTime()


class AssignmentSchema(Schema):
    department = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = fields.String(load_default="przekazanie do weryfikacji merytorycznej", validate=validate.Length(max=1000))


class DepartmentSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9_-]{2,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))


class ChangeFieldsSchema(ProposalContentSchema):
    """What an official may change: scope, cost and location (not who the authors are)."""

    class Meta:
        exclude = ("coauthors",)

    # proposals to merge into this one (same area); each applicant must agree
    merge_with = fields.List(fields.UUID(), validate=validate.Length(min=1, max=5))


class ChangeRequestCreateSchema(Schema):
    changes = fields.Nested(ChangeFieldsSchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ChangeResponseSchema(Schema):
    accept = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ChangeRequestSchema(Schema):
    id = fields.UUID()
    proposal_id = fields.UUID()
    changes = fields.Dict()
    reason = fields.String()
    respond_by = fields.AwareDateTime()
    status = fields.String()
    responded_at = fields.AwareDateTime(allow_none=True)
    response_note = fields.String(allow_none=True)
    resulting_version = fields.Integer(allow_none=True)
    consents = fields.Dict()


class VersionSchema(Schema):
    version = fields.Integer()
    content = fields.Dict()
    reason = fields.String()
    created_at = fields.AwareDateTime()


class AppealCreateSchema(Schema):
    statement = fields.String(required=True, validate=validate.Length(min=10, max=10000))


class AppealDecisionSchema(Schema):
    upheld = fields.Boolean(required=True)
    justification = fields.String(required=True, validate=validate.Length(min=10, max=10000))


class AppealSchema(Schema):
    id = fields.UUID()
    proposal_id = fields.UUID()
    stage = fields.String()
    statement = fields.String()
    filed_at = fields.AwareDateTime()
    status = fields.String()
    justification = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class ExclusiveMarkSchema(Schema):
    proposal_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(equal=2))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ConflictSchema(Schema):
    id = fields.UUID()
    proposal_a = fields.UUID()
    proposal_b = fields.UUID()
    kind = fields.String()
    distance_m = fields.Float(allow_none=True)
    status = fields.String()
    resolution = fields.String(allow_none=True)


class ResolutionSchema(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ListPublicationSchema(Schema):
    id = fields.UUID()
    edition_id = fields.UUID()
    published_at = fields.AwareDateTime()
    lists = fields.Dict()


class AttachmentSchema(Schema):
    id = fields.UUID()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class AttachmentQuerySchema(Schema):
    filename = fields.String(required=True, validate=validate.Regexp(r"^[^/\\\x00]{1,200}$"))


class AreaSchema(Schema):
    id = fields.UUID(dump_only=True)
    edition_id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(["city", "district"]))
    budget = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000_000_000))
    max_project_cost = fields.Integer(load_default=None, allow_none=True, strict=True,
                                      validate=validate.Range(min=1, max=10_000_000_000))

    @validates_schema
    def limit_within_budget(self, data, **kwargs):
        if data.get("max_project_cost") and data["max_project_cost"] > data["budget"]:
            raise ValidationError("Limit na projekt nie może przekraczać puli.", "max_project_cost")


class OutlinesImportQuerySchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class OutlinesReportSchema(Schema):
    matched = fields.List(fields.String(), metadata={"description": "the areas given an outline"})
    unmatched = fields.List(fields.String(), metadata={"description": "names in the file with no such area"})


class OutlineFeatureSchema(Schema):
    type = fields.String()
    geometry = fields.Dict(metadata={"description": "GeoJSON Polygon or MultiPolygon (longitude, latitude)"})
    properties = fields.Dict(metadata={"description": "area_id, name, kind"})


class OutlineCollectionSchema(Schema):
    type = fields.String()
    features = fields.List(fields.Nested(OutlineFeatureSchema))


class PabulibImportQuerySchema(Schema):
    source = fields.String(load_default="upload.pb", validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default=None, validate=validate.OneOf(["city", "district"]),
                         metadata={"description": "The area's kind when the file does not say (a bare `subunit`)"})


class RulesChangeSchema(Schema):
    rules = fields.Nested(VotingRulesSchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RulesCheckSchema(Schema):
    """Voting rules to check without saving them (the console's preview)."""

    rules = fields.Nested(VotingRulesSchema, required=True)


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RulesVocabularySchema(Schema):
    """The values each field of the voting rules takes."""
    ballot_types = fields.List(fields.String())
    selection_rules = fields.List(fields.String())
    tie_breaks = fields.List(fields.String())
    residency = fields.List(fields.String())
    district_choice = fields.List(fields.String())
    paper_and_online = fields.List(fields.String())


class RulesStateSchema(Schema):
    edition_id = fields.UUID(attribute="id")
    voting_rules = fields.Dict(allow_none=True)
    rules_frozen_at = fields.AwareDateTime(allow_none=True)
    rules_sha256 = fields.String(allow_none=True)


class ImplementationReportSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["planned", "in_preparation", "in_progress",
                                                                   "completed", "cancelled"]))
    progress = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class ImplementationUpdateSchema(Schema):
    status = fields.String()
    progress = fields.Integer()
    note = fields.String()
    created_at = fields.AwareDateTime()


class ImplementationSchema(Schema):
    id = fields.UUID()
    proposal_id = fields.UUID()
    edition_id = fields.UUID()
    kind = fields.String()
    title = fields.String()
    area_id = fields.UUID(allow_none=True)
    department_code = fields.String(allow_none=True)
    status = fields.String()
    progress = fields.Integer()
    cancel_reason = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime()
    updates = fields.List(fields.Nested(ImplementationUpdateSchema))


class ImplementationQuerySchema(Schema):
    """An edition's records, or a department's across the editions (what its reviewers report on)."""

    edition_id = fields.UUID()
    department = fields.String(validate=validate.Length(min=1, max=40))
    status = fields.String(validate=validate.OneOf(["planned", "in_preparation", "in_progress", "completed",
                                                    "cancelled"]))

    @validates_schema
    def _edition_or_department(self, data, **kwargs):
        if "edition_id" not in data and "department" not in data:
            raise ValidationError("Podaj edition_id albo department.", "edition_id")


class ScoreSchema(Schema):
    points = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ScoringSchema(Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=50)), values=fields.Nested(ScoreSchema),
                         required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class TermsBodySchema(Schema):
    city_contribution = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10_000_000_000))
    applicant_obligations = fields.String(required=True, validate=validate.Length(min=10, max=10000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("Koniec nie może poprzedzać początku.", "ends_on")


class TermsProposalSchema(Schema):
    terms = fields.Nested(TermsBodySchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class TermsSchema(Schema):
    id = fields.UUID()
    proposal_id = fields.UUID()
    terms = fields.Dict()
    status = fields.String()
    response_note = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class FieldChangeSchema(Schema):
    before = fields.Raw(required=True, allow_none=True)
    after = fields.Raw(required=True, allow_none=True)


class VersionDiffSchema(Schema):
    """What changed between two versions of a proposal, per field of its content."""
    proposal_id = fields.UUID(required=True)
    from_ = fields.Integer(required=True, data_key="from", attribute="from")
    to = fields.Integer(required=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Nested(FieldChangeSchema), required=True)


class WorkSchema(Schema):
    """What waits for the office in an edition: proposals by the step they wait at, appeals, change requests."""

    to_formal_verification = fields.Integer()
    in_substantive_review = fields.Integer()
    appeals_to_decide = fields.Integer()
    change_requests_open = fields.Integer()
