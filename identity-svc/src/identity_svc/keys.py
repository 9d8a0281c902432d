"""Signing keys for access tokens: made at first start, kept encrypted, published as a JWKS.

The kid is the key's RFC 7638 thumbprint, so it names the key itself and
never collides. Several keys can be published at once (rotation overlap);
the newest active key whose `signs_from` has come signs. Rotation: `identity-svc rotate-key` publishes a
new key that starts signing after an overlap longer than verifiers cache the JWKS (5 minutes); after the
old key's tokens have expired, `identity-svc retire-key -- KID` stops publishing it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.db import session_scope

from .models import SigningKey

KEY_LOCK_ID = 0x6C6F7331  # advisory lock: only one process generates the first key


def thumbprint(jwk: dict) -> str:
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def generate_key(session: Session, passphrase: bytes, signs_from: datetime | None = None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    kid = thumbprint(jwk)
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(passphrase)).decode()
    key = SigningKey(kid=kid, private_key_pem=pem, public_jwk=jwk, active=True,
                     signs_from=signs_from or datetime.now(UTC))
    session.add(key)
    return key


def ensure_signing_key(factory: sessionmaker, passphrase: bytes) -> None:
    with session_scope(factory) as session:
        session.execute(select(func.pg_advisory_xact_lock(KEY_LOCK_ID)))
        if session.scalar(select(SigningKey.kid).where(SigningKey.active).limit(1)) is None:
            generate_key(session, passphrase)


# Decrypting a key's PEM costs a few hundred milliseconds of CPU (the passphrase's key derivation is slow on
# purpose). Every login and every voter credential signs with the active key, so on the last evening that cost
# per request would be the vote path's ceiling: a process decrypts each key once and keeps it. The kid is the
# key's own thumbprint, so a cached entry can never stand for another key; rotation brings a new kid.
_decrypted: dict[tuple[str, str], object] = {}
_decrypted_lock = threading.Lock()


def _decrypted_key(kid: str, pem: str, passphrase: bytes):
    cache_key = (kid, hashlib.sha256(pem.encode() + b"\0" + passphrase).hexdigest())
    with _decrypted_lock:
        found = _decrypted.get(cache_key)
    if found is None:
        found = serialization.load_pem_private_key(pem.encode(), password=passphrase)
        with _decrypted_lock:
            if len(_decrypted) >= 8:  # a few keys overlap at most (rotation); never grow without bound
                _decrypted.clear()
            _decrypted[cache_key] = found
    return found


def active_private_key(session: Session, passphrase: bytes, decrypt: bool = True):
    key = session.scalars(select(SigningKey).where(SigningKey.active, SigningKey.signs_from <= func.now())
                          .order_by(SigningKey.signs_from.desc()).limit(1)).one()
    if not decrypt:
        return key.kid
    return key.kid, _decrypted_key(key.kid, key.private_key_pem, passphrase)


def published_jwks(session: Session) -> dict:
    keys = session.scalars(select(SigningKey).where(SigningKey.active).order_by(SigningKey.created_at)).all()
    return {"keys": [k.public_jwk for k in keys]}


def rotate(factory: sessionmaker, passphrase: bytes, overlap_s: int) -> SigningKey:
    with session_scope(factory) as session:
        return generate_key(session, passphrase, signs_from=datetime.now(UTC) + timedelta(seconds=overlap_s))


def retire(factory: sessionmaker, kid: str) -> bool:
    with session_scope(factory) as session:
        key = session.get(SigningKey, kid)
        if key is None or not key.active:
            return False
        signing = active_private_key(session, b"", decrypt=False)
        if signing == kid:
            raise ValueError("that key is the one signing now: rotate first")
        key.active = False
        return True
