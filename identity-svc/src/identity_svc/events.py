"""Events identity-svc publishes (topic `identity.events`). They carry account ids and facts, never personal
data (no PESEL, no names, no e-mail addresses)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from glos_chassis.events import new_event
from glos_chassis.outbox import add_to_outbox

from .models import outbox

TOPIC = "identity.events"
SOURCE = "identity-svc"


def publish(session: Session, event_type: str, subject: str, data: dict) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(event_type, subject, data, source=SOURCE))
