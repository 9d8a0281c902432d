"""Access tokens: RS256 JWTs issued by identity-svc, checked locally against its JWKS.

The JWKS is fetched once and cached (PyJWKClient); a token with a `kid` we
have not seen triggers one refresh, at most every 30 s, so key rotation
works and a flood of made-up kids cannot turn into a flood of fetches. Only
RS256 is accepted: `alg: none` and HS256 signed with the public key (the
classic key-confusion attack) fail before any signature is checked.

    @blp.route("/editions")
    @require(role="pb_official")
    def create_edition(...): principal = current_principal()
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from dataclasses import dataclass

import jwt
from flask import current_app, g, request

from .errors import Problem
from .openapi import document_token

ALGORITHMS = ["RS256"]
# identity-svc puts the jti of a logged-out access token here (Redis) until the token would have expired.
REVOKED_JTI_PREFIX = "glos:revoked-jti:"
# A whole login (the token's `sid`: every access token issued from one sign-in) revoked by identity-svc — a
# logout, a password reset, a deleted account, a stolen refresh token — for as long as its access tokens live.
REVOKED_LOGIN_PREFIX = "glos:revoked-login:"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    claims: dict


class TokenVerifier:
    """`keys` replaces the JWKS client only where no identity-svc runs: a service's own tests give it the test
    key set (`glos_chassis.testing.TestKeys`) — anything with PyJWKClient's `get_signing_key(kid)`."""

    def __init__(self, jwks_url: str, issuer: str, audience: str, *, leeway_s: int = 5, keys=None,
                 refresh_cooldown_s: float = 30):
        self.jwks = keys or jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5,
                                            cooldown_duration=refresh_cooldown_s)
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s

    def verify(self, token: str, *, audience: str | None = None) -> dict:
        """The token's claims, or `Problem(401)` saying why not (never which key or secret)."""
        header = _unverified_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise _unauthorized("Niedozwolony algorytm podpisu tokenu.", "Token signing algorithm not allowed.")
        kid = header.get("kid")
        if not kid:
            raise _unauthorized("Token nie wskazuje klucza (kid).", "The token names no key (kid).")
        try:
            key = self.jwks.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError:
            raise Problem(503, "Nie można pobrać kluczy weryfikujących.", "Verification keys unavailable.",
                          headers={"Retry-After": "2"}) from None
        except jwt.PyJWKClientError:
            raise _unauthorized("Nieznany klucz podpisu tokenu.", "Unknown token signing key.") from None
        try:
            return jwt.decode(token, key.key, algorithms=ALGORITHMS, audience=audience or self.audience,
                              issuer=self.issuer, leeway=self.leeway_s,
                              options={"require": ["exp", "iat", "sub", "aud", "iss"]})
        except jwt.ExpiredSignatureError:
            raise _unauthorized("Token wygasł.", "The token has expired.") from None
        except jwt.InvalidAudienceError:
            raise _unauthorized("Token wydano dla innej usługi.", "The token is for another audience.") from None
        except jwt.InvalidIssuerError:
            raise _unauthorized("Token wydał nieznany wystawca.", "Unknown token issuer.") from None
        except jwt.InvalidSignatureError:
            raise _unauthorized("Podpis tokenu jest nieprawidłowy.", "Invalid token signature.") from None
        except jwt.PyJWTError as exc:
            raise _unauthorized("Token jest nieprawidłowy.", f"Invalid token: {exc}") from None


def _unverified_header(token: str) -> dict:
    """The header's claims, read only to choose the key; `jwt.decode` then checks the whole token, header
    included. Not `jwt.get_unverified_header`: it validates every character of all three segments in Python,
    and decode does that again — on the vote path that doubled the token's cost (~40 µs of ~110 per vote)."""
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):  # bad base64, bad UTF-8 or bad JSON
        header = None
    if not isinstance(header, dict):
        raise _unauthorized("Token jest nieczytelny.", "The token is malformed.")
    return header


def _unauthorized(pl: str, en: str) -> Problem:
    return Problem(401, pl, en, type_="https://glos.pl/problems/invalid-token",
                   headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "Wymagany token dostępu (Authorization: Bearer).",
                      "An access token is required (Authorization: Bearer).",
                      headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def current_principal() -> Principal:
    return g.principal


def _verified_principal() -> Principal:
    verifier: TokenVerifier = current_app.extensions["glos.token_verifier"]
    claims = verifier.verify(bearer_token())
    redis_client = current_app.extensions.get("glos.redis")
    revocations = ([REVOKED_JTI_PREFIX + claims["jti"]] if claims.get("jti") else []) + \
        ([REVOKED_LOGIN_PREFIX + claims["sid"]] if claims.get("sid") else [])
    if redis_client is not None and revocations and redis_client.exists(*revocations):
        raise _unauthorized("Token został unieważniony (wylogowanie albo zmiana hasła).",
                            "The token was revoked (a logout or a password change).")
    # a service's own check against its durable records (identity-svc: is the login still alive in its
    # database), for what must hold even if Redis lost the revocation list
    login_check = current_app.extensions.get("glos.login_check")
    if login_check is not None and not login_check(claims):
        raise _unauthorized("Token został unieważniony (wylogowanie albo zmiana hasła).",
                            "The token was revoked (a logout or a password change).")
    return Principal(subject=claims["sub"], roles=frozenset(claims.get("roles", [])), claims=claims)


def optional_principal() -> Principal | None:
    """The caller of a public endpoint that shows more to some callers (an author sees their own draft):
    None without an Authorization header; a bad token is still a 401, never silently anonymous."""
    if not request.headers.get("Authorization"):
        return None
    return _verified_principal()


def require(role: str | None = None, *, any_of: tuple[str, ...] = ()):
    """Only callers with a valid access token (and the role, when given) get through."""
    needed = set(any_of) | ({role} if role else set())

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = _verified_principal()
            if needed and not (needed & principal.roles):
                raise Problem(403, f"Wymagana rola: {', '.join(sorted(needed))}.",
                              f"Required role: {', '.join(sorted(needed))}.",
                              type_="https://glos.pl/problems/forbidden")
            g.principal = principal
            return view(*args, **kwargs)

        return document_token(wrapper)

    return decorator
