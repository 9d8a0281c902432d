"""Login sessions: short access tokens, rotating refresh tokens with reuse detection, logout, and
brute-force protection kept in Redis.

Every authentication attempt is logged with its outcome, the account id when known and the client
address — never the password, never the e-mail address.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from glos_chassis.auth import REVOKED_JTI_PREFIX, REVOKED_LOGIN_PREFIX
from glos_chassis.errors import Problem

from .models import Account, RefreshToken
from .service import authenticate, issue_access_token

log = logging.getLogger("identity_svc.auth")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Throttle:
    """Failure counters and locks per account (keyed by a hash of the e-mail) and per client address."""

    def __init__(self, redis_client, settings):
        self.redis = redis_client
        self.s = settings

    def _keys(self, email: str, address: str) -> tuple[str, str, str, str]:
        account = _digest(email.strip().lower())
        return (f"glos:auth:fail:acct:{account}", f"glos:auth:lock:acct:{account}",
                f"glos:auth:fail:addr:{address}", f"glos:auth:lock:addr:{address}")

    def check(self, email: str, address: str) -> None:
        _, account_lock, _, address_lock = self._keys(email, address)
        wait = max(self.redis.ttl(account_lock), self.redis.ttl(address_lock))
        if wait > 0:
            raise Problem(429, "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie później.",
                          "Too many failed login attempts. Try again later.",
                          type_="https://glos.pl/problems/login-locked", headers={"Retry-After": str(wait)})

    def failed(self, email: str, address: str) -> None:
        account_fails, account_lock, address_fails, address_lock = self._keys(email, address)
        window = self.s.lockout_max_s
        pipe = self.redis.pipeline()
        pipe.incr(account_fails)
        pipe.expire(account_fails, window)
        pipe.incr(address_fails)
        pipe.expire(address_fails, window)
        account_count, _, address_count, _ = pipe.execute()
        if account_count >= self.s.lockout_threshold:
            backoff = min(self.s.lockout_base_s * 2 ** (account_count - self.s.lockout_threshold), self.s.lockout_max_s)
            self.redis.set(account_lock, 1, ex=int(backoff))
        if address_count >= self.s.address_threshold:
            self.redis.set(address_lock, 1, ex=self.s.lockout_max_s)

    def check_address(self, address: str) -> None:
        """For checks that name no account (a password reset link): only the client address's lock."""
        wait = self.redis.ttl(self._keys("", address)[3])
        if wait > 0:
            raise Problem(429, "Zbyt wiele nieudanych prób. Spróbuj ponownie później.",
                          "Too many failed attempts. Try again later.",
                          type_="https://glos.pl/problems/login-locked", headers={"Retry-After": str(wait)})

    def failed_address(self, address: str) -> None:
        _, _, address_fails, address_lock = self._keys("", address)
        pipe = self.redis.pipeline()
        pipe.incr(address_fails)
        pipe.expire(address_fails, self.s.lockout_max_s)
        count, _ = pipe.execute()
        if count >= self.s.address_threshold:
            self.redis.set(address_lock, 1, ex=self.s.lockout_max_s)

    def succeeded(self, email: str, address: str) -> None:
        account_fails, account_lock, _, _ = self._keys(email, address)
        self.redis.delete(account_fails, account_lock)


def login(session: Session, throttle: Throttle, settings, *, email: str, password: str, address: str) -> dict:
    try:
        throttle.check(email, address)
    except Problem:
        log.warning("auth.attempt", extra={"result": "locked", "client": address})
        raise
    try:
        account = authenticate(session, email, password)
    except Problem:
        throttle.failed(email, address)
        log.info("auth.attempt", extra={"result": "failure", "client": address})
        raise
    if account.email_confirmed_at is None:
        log.info("auth.attempt", extra={"result": "unconfirmed", "account": str(account.id), "client": address})
        raise Problem(403, "Najpierw potwierdź adres e-mail (link w wiadomości).",
                      "Confirm your e-mail address first (the link in the message).",
                      type_="https://glos.pl/problems/email-not-confirmed")
    throttle.succeeded(email, address)
    log.info("auth.attempt", extra={"result": "success", "account": str(account.id), "client": address})
    return _tokens(session, account, settings, family_id=uuid.uuid4())


def _tokens(session: Session, account: Account, settings, family_id: uuid.UUID) -> dict:
    raw = secrets.token_urlsafe(32)
    session.add(RefreshToken(account_id=account.id, family_id=family_id, token_hash=_digest(raw),
                             expires_at=datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl_s)))
    access = issue_access_token(session, account, passphrase=settings.key_passphrase.get_secret_value().encode(),
                                issuer=settings.token_issuer, audience=settings.token_audience,
                                ttl_s=settings.access_token_ttl_s, login_id=family_id)
    return {**access, "refresh_token": raw, "refresh_expires_in": settings.refresh_token_ttl_s}


def _invalid_refresh() -> Problem:
    return Problem(401, "Token odświeżania jest nieważny. Zaloguj się ponownie.",
                   "The refresh token is not valid. Log in again.", type_="https://glos.pl/problems/invalid-token")


def refresh(session: Session, redis_client, settings, raw_token: str) -> dict:
    """Use up one refresh token for a new pair. A token used twice revokes its whole family (theft)."""
    token = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(raw_token))
                           .with_for_update())
    now = datetime.now(UTC)
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise _invalid_refresh()
    if token.used_at is not None:
        revoke_login(session, redis_client, settings, token.family_id)
        log.warning("auth.refresh_reuse", extra={"account": str(token.account_id), "family": str(token.family_id)})
        raise _invalid_refresh()
    token.used_at = now
    account = session.get(Account, token.account_id)
    return _tokens(session, account, settings, family_id=token.family_id)


def revoke_login(session: Session, redis_client, settings, family_id: uuid.UUID) -> None:
    """End one login: its refresh tokens in the database, and its access tokens at every service at once (the
    revocation list the chassis reads, kept as long as an access token lives)."""
    session.execute(update(RefreshToken).where(RefreshToken.family_id == family_id,
                                               RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=datetime.now(UTC)))
    redis_client.set(REVOKED_LOGIN_PREFIX + str(family_id), 1, ex=settings.access_token_ttl_s)


def end_every_login(session: Session, redis_client, settings, account_id: uuid.UUID) -> int:
    """A password reset or a deleted account: every login of the account ends, in every browser and app, now —
    not when its last access token would have expired. Returns how many logins were still alive."""
    families = session.scalars(select(RefreshToken.family_id).distinct()
                               .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))).all()
    for family_id in families:
        revoke_login(session, redis_client, settings, family_id)
    return len(families)


def login_alive(session: Session, claims: dict) -> bool:
    """identity-svc's own, durable check of a token's login (its refresh-token family not revoked): what a
    person's personal data answers rely on, even if Redis lost the revocation list."""
    sid = claims.get("sid")
    if not sid:
        return True  # a token without a login (none that identity-svc issues today)
    try:
        family_id = uuid.UUID(sid)
    except ValueError:
        return False
    return session.scalar(select(RefreshToken.id).where(RefreshToken.family_id == family_id,
                                                         RefreshToken.revoked_at.is_(None)).limit(1)) is not None


def logout(session: Session, redis_client, settings, *, raw_refresh_token: str | None, access_claims: dict) -> None:
    """Revoke the login's refresh tokens and its access tokens (this one until it would have expired)."""
    if raw_refresh_token:
        token = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(raw_refresh_token)))
        if token is not None and str(token.account_id) == access_claims["sub"]:
            revoke_login(session, redis_client, settings, token.family_id)
    remaining = int(access_claims["exp"] - time.time())
    if remaining > 0:
        redis_client.set(REVOKED_JTI_PREFIX + access_claims["jti"], 1, ex=remaining)
