"""Every attack on an access token is a 401 problem+json from the chassis's verifier: only RS256 tokens signed by
a key the verifier trusts, for our audience and issuer, unexpired, get through. (With identity-svc's real key
and JWKS through the gateway: services/tests/test_token_verification.py.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from glos_chassis.auth import REVOKED_JTI_PREFIX, REVOKED_LOGIN_PREFIX


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def claims(keys):
    def make(**overrides) -> dict:
        now = int(time.time())
        return {"iss": keys.issuer, "aud": keys.audience, "sub": "attacker", "roles": ["pb_official"],
                "iat": now, "exp": now + 300, **overrides}

    return make


@pytest.fixture
def call(client):
    def post(token: str | None):
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return client.post("/official-only", headers=headers)

    return post


def assert_rejected(r) -> dict:
    assert r.status_code == 401, r.get_data(as_text=True)
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    body = r.get_json()
    assert body["status"] == 401 and body["detail"]
    return body


def test_a_genuine_token_is_accepted_and_one_without_the_role_is_403(call, keys):
    accepted = call(keys.token("urzedniczka", ["pb_official"]))
    assert accepted.status_code == 200 and accepted.get_json() == {"subject": "urzedniczka"}
    refused = call(keys.token("mieszkaniec", ["resident"]))
    assert refused.status_code == 403 and refused.headers["Content-Type"].startswith("application/problem+json")


def test_no_token(call):
    assert_rejected(call(None))


def test_garbage_token(call):
    assert_rejected(call("not.a.jwt"))


@pytest.mark.parametrize("header", [
    b64url(b"[]"),  # JSON, but not an object
    b64url(b"\xff\xfe{}"),  # not UTF-8
    "",
])
def test_a_malformed_header_is_refused_as_unreadable(call, keys, header):
    _, payload, signature = keys.token("mieszkaniec", ["resident"]).split(".")
    assert "nieczytelny" in assert_rejected(call(f"{header}.{payload}.{signature}"))["detail"]


def test_a_header_read_leniently_is_still_checked_whole(call, keys):
    """The header is read only to choose the key; a genuine token with junk added to its header segment (that
    base64 decoding alone would skip) fails the full check of the token."""
    header, payload, signature = keys.token("mieszkaniec", ["resident"]).split(".")
    assert_rejected(call(f"{header}!.{payload}.{signature}"))
    assert_rejected(call(f"e30!!.{payload}.{signature}"))  # {} and junk: no algorithm, no key


def test_wrong_signature(call, keys, claims):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = assert_rejected(call(jwt.encode(claims(), other, algorithm="RS256", headers={"kid": keys.kid})))
    assert "podpis" in body["detail"].lower()


def test_tampered_payload(call, keys):
    header, payload, signature = keys.token("mieszkaniec", ["resident"]).split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    data["roles"] = ["pb_official"]
    assert_rejected(call(".".join([header, b64url(json.dumps(data).encode()), signature])))


def test_alg_none(call, keys, claims):
    header = b64url(json.dumps({"alg": "none", "typ": "JWT", "kid": keys.kid}).encode())
    assert_rejected(call(f"{header}.{b64url(json.dumps(claims()).encode())}."))


def test_hs256_signed_with_the_public_key(call, keys, claims):
    """The key-confusion attack: the public key (which anyone can fetch) used as an HMAC secret."""
    public_pem = keys.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": keys.kid}).encode())
    payload = b64url(json.dumps(claims()).encode())
    signature = b64url(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert_rejected(call(f"{header}.{payload}.{signature}"))


def test_expired(call, keys, claims):
    past = int(time.time()) - 3600
    token = jwt.encode(claims(iat=past - 900, exp=past), keys.private_key, algorithm="RS256",
                       headers={"kid": keys.kid})
    assert "wygasł" in assert_rejected(call(token))["detail"]


@pytest.mark.parametrize("override", [{"aud": "some-other-system"}, {"iss": "https://evil.example"}])
def test_another_audience_or_issuer(call, keys, claims, override):
    assert_rejected(call(jwt.encode(claims(**override), keys.private_key, algorithm="RS256",
                                    headers={"kid": keys.kid})))


def test_unknown_kid_and_no_kid(call, keys, claims):
    assert_rejected(call(jwt.encode(claims(), keys.private_key, algorithm="RS256", headers={"kid": "no-such-key"})))
    assert "kid" in assert_rejected(call(jwt.encode(claims(), keys.private_key, algorithm="RS256")))["detail"]


def test_missing_expiry(call, keys, claims):
    c = claims()
    del c["exp"]
    assert_rejected(call(jwt.encode(c, keys.private_key, algorithm="RS256", headers={"kid": keys.kid})))


def test_a_logged_out_token_is_refused(app, call, keys):
    token = keys.token("urzedniczka", ["pb_official"], jti="wylogowany")
    assert call(token).status_code == 200
    app.extensions["glos.redis"].set(REVOKED_JTI_PREFIX + "wylogowany", 1, ex=60)  # what identity-svc's logout writes
    assert "unieważniony" in assert_rejected(call(token))["detail"]


def test_every_token_of_a_revoked_login_is_refused_and_other_logins_are_not(app, call, keys):
    """Issue 24 (2): after a password reset the access tokens of every login of the account (the `sid` claim:
    one sign-in) are refused by every service at once, not when each would have expired."""
    first = keys.token("mieszkanka", ["pb_official"], sid="logowanie-1", jti="a1")
    again = keys.token("mieszkanka", ["pb_official"], sid="logowanie-1", jti="a2")  # the same login, refreshed
    other = keys.token("mieszkanka", ["pb_official"], sid="logowanie-2", jti="b1")
    assert [call(t).status_code for t in (first, again, other)] == [200, 200, 200]
    app.extensions["glos.redis"].set(REVOKED_LOGIN_PREFIX + "logowanie-1", 1, ex=60)  # what identity-svc writes
    for token in (first, again):
        assert "unieważniony" in assert_rejected(call(token))["detail"]
    assert call(other).status_code == 200
