"""Events consultation-svc consumes: who is a verified resident of which district (for the territorial
scope and the statistics). Tolerant reader: unknown fields are ignored."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.events import Envelope

from .models import ResidentView

GROUP_ID = "consultation-svc.projections"
TOPICS = ["identity.events"]


class _ResidentVerified(Schema):
    class Meta:
        unknown = EXCLUDE

    account_id = fields.String(required=True)
    level = fields.String(required=True)
    district = fields.String(required=True)
    age_band = fields.String(load_default=None, allow_none=True)


def on_resident_verified(session: Session, event: Envelope) -> None:
    data = _ResidentVerified().load(event.data)
    session.execute(insert(ResidentView).values(**data).on_conflict_do_update(
        index_elements=[ResidentView.account_id],
        set_={"level": data["level"], "district": data["district"], "age_band": data["age_band"]}))


def on_user_deleted(session: Session, event: Envelope) -> None:
    session.execute(delete(ResidentView).where(ResidentView.account_id == str(event.data["account_id"])))


HANDLERS = {"resident.verified": on_resident_verified, "user.deleted": on_user_deleted}
