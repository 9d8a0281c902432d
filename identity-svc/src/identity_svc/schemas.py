from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class TokenRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class TokenResponseSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    refresh_token = fields.String(required=True)
    refresh_expires_in = fields.Integer(required=True)


class RefreshRequestSchema(Schema):
    refresh_token = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=200))


class LogoutRequestSchema(Schema):
    refresh_token = fields.String(load_default=None, load_only=True, validate=validate.Length(min=10, max=200))


class ResidencyDeclarationSchema(Schema):
    pesel = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=20))
    first_name = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100))
    address = fields.String(required=True, load_only=True, validate=validate.Length(min=3, max=300))
    # optional: the city's street register maps the address; needed only for streets it does not know, and
    # then one of the city's districts (GET /districts), never free text
    district = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class ResidencyCorrectionSchema(Schema):
    address = fields.String(required=True, load_only=True, validate=validate.Length(min=3, max=300))
    district = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class ResidentSchema(Schema):
    district = fields.String()
    verification_level = fields.String()
    verification_method = fields.String()
    verified_at = fields.AwareDateTime()
    pesel_masked = fields.String()


class MyResidencySchema(ResidentSchema):
    """The resident's own view: also their address, and whether they can still correct the district."""

    address = fields.String()
    district_correctable = fields.Boolean()
    # why not: confirmed_by_office | voted (the edition under way keeps the district its credential carried)
    district_locked_because = fields.String(allow_none=True)


class DistrictListSchema(Schema):
    districts = fields.List(fields.String())
    street_register = fields.Boolean(metadata={"description": "whether addresses can find their district"})


class DistrictAdditionSchema(Schema):
    names = fields.List(fields.String(validate=validate.Length(min=1, max=100)), required=True,
                        validate=validate.Length(min=1, max=200))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class DistrictRemovalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class DistrictLookupQuerySchema(Schema):
    address = fields.String(required=True, validate=validate.Length(min=3, max=300))


class DistrictLookupSchema(Schema):
    street = fields.String()
    district = fields.String(allow_none=True)


class InPersonVerificationSchema(Schema):
    document = fields.String(required=True, validate=validate.OneOf(["id_card", "passport", "residence_card",
                                                                     "other"]))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class EligibilityRulesSchema(Schema):
    """An edition's eligibility rules as they stand (the answer)."""
    voting_day = fields.Date(required=True)
    min_age = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 120))
    guardian_consent_under = fields.Integer(load_default=None, allow_none=True, strict=True,
                                            validate=validate.Range(0, 120))
    residency = fields.String(required=True, validate=validate.OneOf(["census", "declaration", "either"]))
    # the SHA-256 of the voting rules they came with, once the ballot is published (then they are frozen)
    rules_sha256 = fields.String(dump_only=True, allow_none=True)


class EligibilitySchema(EligibilityRulesSchema):
    """Setting the rules: the same, with the reason the audit log keeps (not part of the answer)."""
    reason = fields.String(required=True, load_only=True, validate=validate.Length(min=3, max=1000))


class CredentialRequestSchema(Schema):
    guardian_consent = fields.Boolean(load_default=False)


class OnBehalfCredentialRequestSchema(Schema):
    pesel = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=20))
    guardian_consent = fields.Boolean(load_default=False)


class CredentialSchema(Schema):
    credential = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    voter_key = fields.String(required=True)


class RoleGrantSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(
        ["resident", "pb_official", "department_reviewer", "moderator", "coordinator", "admin", "ops"]))
    scope = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RoleRevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RolesSchema(Schema):
    account_id = fields.UUID()
    roles = fields.List(fields.String())


class StaffAccountSchema(Schema):
    """A staff account as the roles panel shows it: who (name and work e-mail — staff see each other), its roles
    and their scopes."""
    account_id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    scopes = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class StaffNameSchema(Schema):
    """Who a staff account is, for other staff (the audit log's "who", the roles panel): residents are never
    listed, so they stay pseudonymous."""
    account_id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True)


class DeskLookupSchema(Schema):
    """The person at the verification desk, found by what they can tell: their e-mail or their PESEL (in the body,
    never in a URL or a log)."""
    email = fields.String(load_default=None, validate=validate.Length(min=3, max=320))
    pesel = fields.String(load_default=None, validate=validate.Length(equal=11), load_only=True)

    @validates_schema
    def _one_of(self, data, **kwargs):
        if bool(data.get("email")) == bool(data.get("pesel")):
            raise ValidationError("Podaj adres e-mail albo PESEL.", "email")


class DeskPersonSchema(Schema):
    account_id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True)
    district = fields.String(allow_none=True)
    level = fields.String(allow_none=True)


class RegistrationSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=4096))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RegistrationAcceptedSchema(Schema):
    status = fields.String()
    detail = fields.String()


class PasswordChangedSchema(RegistrationAcceptedSchema):
    account_id = fields.UUID(metadata={"description": "Konto, którego wszystkie logowania zakończono / The account "
                                                      "whose every login was ended"})


class ConfirmationQuerySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=500))


class CensusQuerySchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class RejectedRowSchema(Schema):
    row = fields.Integer()
    reason = fields.String()


class CensusReportSchema(Schema):
    list_id = fields.String()
    accepted_rows = fields.Integer()
    rejected_rows = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRowSchema))
    residents_matched = fields.Integer()


class CensusImportSchema(Schema):
    """A census import run in the background: its progress, then its report."""

    id = fields.String()
    status = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    requested_by = fields.String()
    reason = fields.String()
    total_rows = fields.Integer(metadata={"description": "wiersze danych w pliku / data rows in the file"})
    processed_rows = fields.Integer()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    error = fields.String(allow_none=True, metadata={"enum": ["interrupted", "server_error", None]})
    report = fields.Nested(CensusReportSchema, allow_none=True)


class AccountDeletionSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=4096))


class ForeignerVerificationSchema(Schema):
    country = fields.String(required=True, validate=validate.Length(min=2, max=3))
    document_type = fields.String(required=True, validate=validate.OneOf(["passport", "residence_card", "id_card"]))
    document_number = fields.String(required=True, load_only=True, validate=validate.Length(min=3, max=40))
    first_name = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100))
    birth_date = fields.Date(required=True, load_only=True)
    address = fields.String(required=True, load_only=True, validate=validate.Length(min=3, max=300))
    district = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class StreetsReportSchema(Schema):
    streets = fields.Integer()


class SupportLineSchema(Schema):
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    pesel = fields.String(required=True, validate=validate.Length(min=1, max=20))


class SupportListSchema(Schema):
    edition_id = fields.UUID(required=True)
    proposal_id = fields.UUID(required=True)
    sheet = fields.String(required=True, validate=validate.Length(min=1, max=100))
    entries = fields.List(fields.Nested(SupportLineSchema), required=True, validate=validate.Length(min=1, max=500))


class SupportListReportSchema(Schema):
    proposal_id = fields.UUID()
    sheet = fields.String()
    accepted = fields.Integer()
    rejected = fields.List(fields.Dict())


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))


class PasswordResetSchema(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=500))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=4096))


class AccountSchema(Schema):
    id = fields.UUID()
    email = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())
    scopes = fields.Dict(attribute="role_scopes")


class JwkSchema(Schema):
    """One public signing key (RFC 7517)."""
    kty = fields.String(required=True)
    kid = fields.String(required=True)
    use = fields.String()
    alg = fields.String()
    key_ops = fields.List(fields.String())
    n = fields.String(required=True)
    e = fields.String(required=True)


class JwksSchema(Schema):
    keys = fields.List(fields.Nested(JwkSchema), required=True)


class ExportedAccountSchema(Schema):
    id = fields.UUID(required=True)
    email = fields.Email(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    email_confirmed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class ExportedResidentSchema(Schema):
    pesel = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    address = fields.String(required=True)
    birth_date = fields.String(required=True, metadata={"format": "date"})
    district = fields.String(required=True)
    verification_level = fields.String(required=True)
    verification_method = fields.String(required=True)
    verified_at = fields.String(required=True, metadata={"format": "date-time"})


class ExportedCredentialSchema(Schema):
    edition_id = fields.UUID(required=True)
    channel = fields.String(required=True)
    issued_at = fields.String(required=True, metadata={"format": "date-time"})


class ExportedStaffActionSchema(Schema):
    action = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.String(required=True, metadata={"format": "date-time"})


class MyDataSchema(Schema):
    """Everything Glos keeps about the caller (GDPR art. 15), as the download gives it."""
    account = fields.Nested(ExportedAccountSchema, required=True)
    resident = fields.Nested(ExportedResidentSchema)
    credentials = fields.List(fields.Nested(ExportedCredentialSchema), required=True)
    staff_actions_about_me = fields.List(fields.Nested(ExportedStaffActionSchema), required=True)


class NotificationSettingsSchema(Schema):
    """Notifications about one's proposals and consultations (account mail is always sent)."""

    subscribed = fields.Boolean(required=True)


class PopulationQuerySchema(Schema):
    on = fields.Date(required=True, metadata={"description": "The day ages are counted on (the voting day)"})
    min_age = fields.Integer(load_default=None, validate=validate.Range(0, 30),
                             metadata={"description": "Count only residents at least this old on that day"})


class DistrictPopulationSchema(Schema):
    district = fields.String()
    eligible = fields.Integer()
    age_bands = fields.Dict(keys=fields.String(), values=fields.Integer())


class PopulationSchema(Schema):
    """Counts from the active residents' register — never a person."""

    register_imported_at = fields.AwareDateTime()
    on = fields.Date()
    min_age = fields.Integer(allow_none=True)
    total = fields.Integer()
    districts = fields.List(fields.Nested(DistrictPopulationSchema))
