"""Access tokens through the real gateway: a token identity-svc signed (fetched by the verifier from its JWKS)
gets through, one without the role is a 403, and the JWKS publishes public keys only. Every attack on a token
(alg none, key confusion, tampering, expiry, audience, issuer, unknown kid) is the chassis's verifier's own:
services/tests/service/test_token_verification.py."""

from __future__ import annotations

import os
import time

import jwt
import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from glos_testing import login


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


def test_a_genuine_token_is_accepted(gateway, accounts, identity_key):
    assert call(gateway, login(gateway, *accounts["official"])).status_code == 422
    kid, private = identity_key
    assert call(gateway, jwt.encode(claims(), private, algorithm="RS256", headers={"kid": kid})).status_code == 422


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
