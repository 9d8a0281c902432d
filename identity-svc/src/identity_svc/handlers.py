"""Events identity-svc consumes, as an explicit table. Each handler runs inside the consumer's transaction, after
the event id was recorded as processed; unknown fields are ignored (tolerant reader).

`ballot.published` (proposals-svc) carries an edition's frozen voting rules: their eligibility part is what
identity-svc checks before it issues a voter credential, so it takes them from there — nobody hands them over.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy.orm import Session

from glos_chassis.canonical import sha256_hex
from glos_chassis.events import Envelope

from . import audit
from .models import EditionEligibility

GROUP_ID = "identity-svc.projections"
TOPICS = ["proposals.events"]
PUBLISHER = "proposals-svc:ballot.published"


class _Eligibility(Schema):
    class Meta:
        unknown = EXCLUDE

    voting_day = fields.Date(required=True)
    min_age = fields.Integer(load_default=None, allow_none=True)
    guardian_consent_under = fields.Integer(load_default=None, allow_none=True)
    residency = fields.String(required=True)


class _BallotPublished(Schema):
    """Our copy of the fields we read from proposals-svc's `ballot.published` (v1)."""

    class Meta:
        unknown = EXCLUDE

    edition_id = fields.UUID(required=True)
    rules = fields.Dict(required=True)
    rules_sha256 = fields.String(required=True)


class TamperedRules(ValueError):
    """The rules do not hash to the published digest: never act on them."""


def on_ballot_published(session: Session, event: Envelope) -> None:
    data = _BallotPublished().load(event.data)
    if sha256_hex(data["rules"]) != data["rules_sha256"]:
        raise TamperedRules(f"rules of edition {data['edition_id']} do not match their SHA-256")
    eligibility = _Eligibility().load(data["rules"].get("eligibility") or {})
    rules = session.get(EditionEligibility, data["edition_id"], with_for_update=True)
    if rules is not None and rules.rules_sha256 == data["rules_sha256"]:
        return  # the same publication again
    rules = rules or EditionEligibility(edition_id=data["edition_id"])
    for key, value in eligibility.items():
        setattr(rules, key, value)
    rules.rules_sha256 = data["rules_sha256"]
    rules.updated_by = PUBLISHER
    session.add(rules)
    audit.record(session, actor=PUBLISHER, action="edition.eligibility_set", target=str(data["edition_id"]),
                 reason=f"karta do głosowania opublikowana (SHA-256 zasad {data['rules_sha256'][:12]}…)",
                 **{k: str(v) for k, v in eligibility.items()})


HANDLERS = {"ballot.published": on_ballot_published}
