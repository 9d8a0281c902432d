"""Events consultation-svc publishes (topic `consultation.events`, key = consultation id, so one consultation's
events stay in order). Notifications (confirmations, reminders, outcomes) are events for a notifier service:
they carry account ids, never addresses."""

from __future__ import annotations

from sqlalchemy.orm import Session

from glos_chassis.events import new_event
from glos_chassis.outbox import add_to_outbox

from .models import Consultation, outbox

TOPIC = "consultation.events"
SOURCE = "consultation-svc"


def publish(session: Session, event_type: str, consultation: Consultation, **data) -> None:
    add_to_outbox(session, outbox, TOPIC, new_event(
        event_type, str(consultation.id), source=SOURCE, data={"consultation_id": str(consultation.id), **data}))


def notify(session: Session, consultation: Consultation, account_id: str, what: str, **data) -> None:
    """A message for one person (the notifier looks up how to reach them in identity-svc)."""
    publish(session, "notification.requested", consultation, account_id=account_id, what=what, **data)
