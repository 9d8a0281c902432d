"""The audit trail of staff actions, written in the same transaction as the action."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEntry


def record(session: Session, *, actor: str, action: str, target: str, reason: str, **details) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, reason=reason, details=details))
