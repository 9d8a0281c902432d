"""Signing-key rotation in identity-svc: the new key is published before it signs, tokens of both keys verify
during the overlap, the signing key cannot be retired, and a retired key's tokens no longer verify. (How a
verifier in another service learns the new key: services/tests/service/test_key_refresh.py.)"""

from __future__ import annotations

import jwt
import pytest

from glos_chassis.auth import TokenVerifier
from glos_chassis.errors import Problem
from glos_chassis.testing import KeysServedBy
from glos_testing import wait_until
from identity_service_kit import api, login, seed_account
from identity_svc.keys import retire, rotate

EMAIL, PASSWORD = "klucze@glos.local", "haslo-do-kluczy-123"


def kids(svc) -> list[str]:
    return [k["kid"] for k in api(svc, "GET", "/.well-known/jwks.json").json["keys"]]


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_rotate_then_retire(svc):
    settings = svc.app.extensions["glos.settings"]
    verifier = TokenVerifier(settings.identity_jwks_url, settings.token_issuer, settings.token_audience,
                             keys=KeysServedBy(svc.app))
    seed_account(svc, EMAIL, PASSWORD)
    old_token = login(svc, EMAIL, PASSWORD)
    old_kid = kid_of(old_token)

    new_kid = rotate(svc.sessions, settings.key_passphrase.get_secret_value().encode(), overlap_s=2).kid
    assert kids(svc) == [old_kid, new_kid]  # published before it signs…
    assert kid_of(login(svc, EMAIL, PASSWORD)) == old_kid  # …and not signing yet
    new_token = wait_until(lambda: (t := login(svc, EMAIL, PASSWORD)) and kid_of(t) == new_kid and t, timeout=15,
                           message="the new key to start signing after the overlap")
    assert verifier.verify(new_token)["sub"] == verifier.verify(old_token)["sub"]  # both verify in the overlap

    with pytest.raises(ValueError):
        retire(svc.sessions, new_kid)  # the signing key cannot be retired
    assert retire(svc.sessions, old_kid)
    assert kids(svc) == [new_kid]
    with pytest.raises(Problem) as refused:
        verifier.verify(old_token)
    assert refused.value.status == 401
    assert not retire(svc.sessions, old_kid)  # retiring twice changes nothing
