"""The event envelope every service publishes and reads.

An event is named in the past tense (`proposal.submitted`), carries a
unique id (consumers deduplicate on it), a schema version of its data, the
publishing service, the time, the correlation id of the request that caused
it, and the subject key — the aggregate id, used as the Kafka key so one
entity's events stay in order on one partition.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, fields, post_load

from .logs import request_id_var


@dataclass(frozen=True)
class Envelope:
    type: str
    version: int
    source: str
    subject: str
    data: dict
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None


class EnvelopeSchema(Schema):
    """Read tolerantly: unknown envelope fields from a newer producer are ignored."""

    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True, strict=True)
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(allow_none=True, load_default=None)
    subject = fields.String(required=True)
    data = fields.Dict(required=True)

    @post_load
    def make(self, values, **kwargs) -> Envelope:
        values["id"] = str(values["id"])
        return Envelope(**values)


ENVELOPE_SCHEMA = EnvelopeSchema()


def new_event(type_: str, subject: str, data: dict, *, source: str, version: int = 1,
              correlation_id: str | None = None) -> Envelope:
    return Envelope(type=type_, version=version, source=source, subject=str(subject), data=data,
                    correlation_id=correlation_id or request_id_var.get())


def serialize(envelope: Envelope) -> dict:
    return ENVELOPE_SCHEMA.dump(envelope)


def deserialize(payload: dict) -> Envelope:
    return ENVELOPE_SCHEMA.load(payload)
