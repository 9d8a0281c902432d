"""GDPR: a person can download everything identity-svc holds about them, and delete their account.

Deletion removes the account, the resident record (PESEL hash and encrypted copies), login sessions and
queued mail. What the law requires is kept, without personal data: that a voter key received a credential
for an edition (issued_credentials holds no personal data), and the audit trail of staff actions, which
names accounts only by id.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events
from .models import Account, AuditEntry, IssuedCredential, OutgoingMail, RefreshToken, Resident
from .personal_data import Vault
from .service import authenticate


def export(session: Session, vault: Vault, account_id: uuid.UUID) -> dict:
    account = session.get(Account, account_id)
    if account is None:
        raise Problem(404, "Nie ma takiego konta.", "No such account.")
    data = {"account": {"id": str(account.id), "email": account.email, "display_name": account.display_name,
                        "roles": account.roles, "created_at": account.created_at.isoformat(),
                        "email_confirmed_at": account.email_confirmed_at.isoformat()
                        if account.email_confirmed_at else None}}
    resident = session.get(Resident, account_id)
    if resident is not None:
        data["resident"] = {"pesel": vault.decrypt(resident.pesel_encrypted),
                            "first_name": vault.decrypt(resident.first_name_encrypted),
                            "last_name": vault.decrypt(resident.last_name_encrypted),
                            "address": vault.decrypt(resident.address_encrypted),
                            "birth_date": resident.birth_date.isoformat(), "district": resident.district,
                            "verification_level": resident.verification_level,
                            "verification_method": resident.verification_method,
                            "verified_at": resident.verified_at.isoformat()}
        # credentials issued to this person's voter keys are found through who asked for them
    data["credentials"] = [{"edition_id": str(c.edition_id), "channel": c.channel, "issued_at": c.issued_at.isoformat()}
                           for c in session.scalars(select(IssuedCredential)
                                                    .where(IssuedCredential.issued_by == str(account_id)))]
    data["staff_actions_about_me"] = [{"action": a.action, "reason": a.reason, "at": a.at.isoformat()}
                                      for a in session.scalars(select(AuditEntry)
                                                               .where(AuditEntry.target == str(account_id)))]
    return data


def delete_account(session: Session, throttle, account_id: uuid.UUID, password: str, *, address: str,
                   end_logins) -> None:
    """Deleting needs the password, not just a token — checked through the same lockout as a login, so a stolen
    token cannot be used to guess the password here either."""
    account = session.get(Account, account_id)
    if account is None:
        raise Problem(404, "Nie ma takiego konta.", "No such account.")
    throttle.check(account.email, address)
    try:
        authenticate(session, account.email, password)
    except Problem:
        throttle.failed(account.email, address)
        raise
    throttle.succeeded(account.email, address)
    session.execute(delete(OutgoingMail).where(OutgoingMail.to_address == account.email))
    end_logins(account_id)  # every login's access tokens refused at once, before its refresh tokens go
    session.execute(delete(RefreshToken).where(RefreshToken.account_id == account_id))
    session.execute(delete(Resident).where(Resident.account_id == account_id))
    session.delete(account)
    events.publish(session, "user.deleted", str(account_id), {"account_id": str(account_id)})
