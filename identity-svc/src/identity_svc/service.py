"""identity-svc use cases (the foundation's minimal set: seeded accounts and access tokens)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from .keys import active_private_key
from .models import Account

hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verifying against this when the account does not exist keeps the timing the same.
_DUMMY_HASH = hasher.hash("not-a-real-password-just-timing")


def issue_access_token(session: Session, account: Account, *, passphrase: bytes, issuer: str, audience: str,
                       ttl_s: int, login_id: uuid.UUID) -> dict:
    """`login_id` (the `sid` claim): the sign-in this token comes from — its refresh-token family — so that a
    logout, a password reset or a deletion can revoke every access token of that login at once."""
    kid, private = active_private_key(session, passphrase)
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "sub": str(account.id), "roles": sorted(account.roles),
              "scopes": account.role_scopes or {}, "sid": str(login_id),
              "iat": now, "nbf": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex}
    token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl_s}


def authenticate(session: Session, email: str, password: str) -> Account:
    account = session.scalar(select(Account).where(Account.email == email.strip().lower()))
    try:
        hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None:
        raise Problem(401, "Nieprawidłowy e-mail lub hasło.", "Wrong e-mail or password.",
                      type_="https://glos.pl/problems/invalid-credentials")
    return account


def upsert_account(session: Session, email: str, password: str, display_name: str, roles: list[str]) -> Account:
    email = email.strip().lower()
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(email=email, password_hash=hasher.hash(password), display_name=display_name,
                          roles=sorted(roles), email_confirmed_at=datetime.now(UTC))
        session.add(account)
    else:
        account.password_hash = hasher.hash(password)
        account.display_name = display_name
        account.roles = sorted(roles)
    session.flush()
    return account
