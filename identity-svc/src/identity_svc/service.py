"""identity-svc use cases (the foundation's minimal set: seeded accounts and access tokens)."""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import UTC, datetime

import argon2.profiles
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from .keys import active_private_key
from .models import Account

# The test stack's own switch: argon2-cffi's cheapest parameters (its `profiles.CHEAPEST`, "for tests") instead of
# its recommended ones (RFC 9106: 64 MiB, 3 passes — ~0.17 CPU-s a hash here). A full test run makes and logs
# into a few hundred accounts and spent minutes of CPU on hashing alone. The hashes are still argon2id, checked
# by the same code; the dev stack, docker-compose.yml and k8s/ never set this.
LOW_COST_FOR_TESTS = "IDENTITY_ARGON2_LOW_COST_FOR_TESTS"


def _hasher() -> PasswordHasher:
    if os.environ.get(LOW_COST_FOR_TESTS) == "1":
        logging.getLogger(__name__).warning("%s=1: passwords hashed at the lowest cost (tests only)",
                                            LOW_COST_FOR_TESTS)
        return PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    return PasswordHasher()  # argon2id with the library's recommended parameters


hasher = _hasher()
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
