"""Roles: granted and revoked by admins, each change audited and announced."""

from __future__ import annotations

import uuid

from sqlalchemy import any_, literal, or_, select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit, events
from .models import Account
from .residents import require_account

ROLES = ("resident", "pb_official", "department_reviewer", "moderator", "coordinator", "admin", "ops")
STAFF_ROLES = ROLES[1:]


def grant(session: Session, *, account_id: uuid.UUID, role: str, actor: str, reason: str, scope: str | None) -> list[str]:
    account = require_account(session, account_id)
    scopes = dict(account.role_scopes or {})
    if role in account.roles and (scope is None or scope in scopes.get(role, [])):
        return sorted(account.roles)
    account.roles = sorted({*account.roles, role})
    if scope is not None:
        scopes[role] = sorted({*scopes.get(role, []), scope})
        account.role_scopes = scopes
    audit.record(session, actor=actor, action="role.granted", target=str(account_id), reason=reason, role=role,
                 scope=scope)
    events.publish(session, "role.granted", str(account_id),
                   {"account_id": str(account_id), "role": role, "scope": scope})
    return account.roles


def revoke(session: Session, *, account_id: uuid.UUID, role: str, actor: str, reason: str) -> list[str]:
    account = require_account(session, account_id)
    if role not in account.roles:
        raise Problem(404, "Konto nie ma tej roli.", "The account does not have this role.")
    if role == "admin" and str(account_id) == actor:
        raise Problem(409, "Nie można odebrać sobie roli administratora.", "You cannot revoke your own admin role.")
    account.roles = sorted(set(account.roles) - {role})
    account.role_scopes = {r: s for r, s in (account.role_scopes or {}).items() if r != role}
    audit.record(session, actor=actor, action="role.revoked", target=str(account_id), reason=reason, role=role)
    events.publish(session, "role.revoked", str(account_id), {"account_id": str(account_id), "role": role})
    return account.roles


def staff(session: Session) -> list[dict]:
    """Every account holding a role beyond `resident`, for the admin's roles panel."""
    holds_a_staff_role = or_(*(literal(role) == any_(Account.roles) for role in STAFF_ROLES))
    found = session.scalars(select(Account).where(holds_a_staff_role).order_by(Account.created_at))
    return [{"account_id": a.id, "display_name": a.display_name, "email": a.email, "roles": sorted(a.roles),
             "scopes": a.role_scopes or {}} for a in found]
