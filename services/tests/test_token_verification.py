"""Access tokens through the real gateway: only RS256 tokens signed by identity-svc's current key, for our
audience and issuer, unexpired, get through. Every attack is a 401 problem+json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from glos_testing import login


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def identity_key(platform):
    """identity-svc's real signing key, read the way identity-svc reads it (test privilege)."""
    from identity_svc.keys import active_private_key

    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"])
    with Session(engine) as session:
        kid, private = active_private_key(session, os.environ["IDENTITY_KEY_PASSPHRASE"].encode())
    engine.dispose()
    return kid, private


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {"iss": os.environ["TOKEN_ISSUER"], "aud": os.environ["TOKEN_AUDIENCE"], "sub": "attacker",
            "roles": ["pb_official"], "iat": now, "exp": now + 300}
    base.update(overrides)
    return base


def call(gateway: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    # An empty body: 422 means the token was accepted, 401 that it was not. Nothing is ever created.
    return requests.post(f"{gateway}/api/proposals/editions", json={}, headers=headers, timeout=10)


def assert_rejected(r: requests.Response) -> dict:
    assert r.status_code == 401, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    body = r.json()
    assert body["status"] == 401 and body["detail"]
    return body


def test_a_genuine_token_is_accepted(gateway, accounts, identity_key):
    assert call(gateway, login(gateway, *accounts["official"])).status_code == 422
    kid, private = identity_key
    assert call(gateway, jwt.encode(claims(), private, algorithm="RS256", headers={"kid": kid})).status_code == 422


def test_no_token(gateway):
    assert_rejected(call(gateway, None))


def test_garbage_token(gateway):
    assert_rejected(call(gateway, "not.a.jwt"))


def test_wrong_signature(gateway, identity_key):
    kid, _ = identity_key
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = assert_rejected(call(gateway, jwt.encode(claims(), other, algorithm="RS256", headers={"kid": kid})))
    assert "podpis" in body["detail"].lower()


def test_tampered_payload(gateway, accounts):
    token = login(gateway, *accounts["resident"])
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    data["roles"] = ["pb_official"]
    forged = ".".join([header, b64url(json.dumps(data).encode()), signature])
    assert_rejected(call(gateway, forged))


def test_alg_none(gateway, identity_key):
    kid, _ = identity_key
    header = b64url(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
    payload = b64url(json.dumps(claims()).encode())
    assert_rejected(call(gateway, f"{header}.{payload}."))


def test_hs256_signed_with_the_public_key(gateway, identity_key):
    """The key-confusion attack: the public key (which anyone can fetch) used as an HMAC secret."""
    kid, private = identity_key
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64url(json.dumps(claims()).encode())
    signature = b64url(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert_rejected(call(gateway, f"{header}.{payload}.{signature}"))


def test_expired(gateway, identity_key):
    kid, private = identity_key
    past = int(time.time()) - 3600
    token = jwt.encode(claims(iat=past - 900, exp=past), private, algorithm="RS256", headers={"kid": kid})
    body = assert_rejected(call(gateway, token))
    assert "wygasł" in body["detail"]


def test_another_audience(gateway, identity_key):
    kid, private = identity_key
    token = jwt.encode(claims(aud="some-other-system"), private, algorithm="RS256", headers={"kid": kid})
    assert_rejected(call(gateway, token))


def test_another_issuer(gateway, identity_key):
    kid, private = identity_key
    token = jwt.encode(claims(iss="https://evil.example"), private, algorithm="RS256", headers={"kid": kid})
    assert_rejected(call(gateway, token))


def test_unknown_kid(gateway, identity_key):
    _, private = identity_key
    token = jwt.encode(claims(), private, algorithm="RS256", headers={"kid": "no-such-key"})
    assert_rejected(call(gateway, token))


def test_missing_expiry(gateway, identity_key):
    kid, private = identity_key
    c = claims()
    del c["exp"]
    assert_rejected(call(gateway, jwt.encode(c, private, algorithm="RS256", headers={"kid": kid})))


def test_a_valid_token_without_the_role_is_403(gateway, accounts):
    r = call(gateway, login(gateway, *accounts["resident"]))
    assert r.status_code == 403
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_jwks_publishes_only_public_rs256_keys(gateway):
    jwks = requests.get(f"{gateway}/api/identity/.well-known/jwks.json", timeout=5).json()
    assert jwks["keys"]
    for key in jwks["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key), "private key material in the JWKS"
