"""Signing-key rotation: the new key is published before it signs, tokens of both keys verify during the
overlap, every service picks the new key up, and the old one can then be retired."""

from __future__ import annotations

import os
import subprocess

import jwt
import requests

import stack
from glos_chassis.auth import TokenVerifier
from glos_testing import login, wait_until


def identity_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(stack.VENV_BIN / "identity-svc"), *args], capture_output=True, text=True)


def kids(gateway) -> list[str]:
    return [k["kid"] for k in requests.get(f"{gateway}/api/identity/.well-known/jwks.json", timeout=10).json()["keys"]]


def test_rotate_then_retire(gateway, accounts, platform):
    old_kid = jwt.get_unverified_header(login(gateway, *accounts["official"]))["kid"]
    rotated = identity_cli("rotate-key", "--overlap-s", "3")
    assert rotated.returncode == 0, rotated.stderr
    published = kids(gateway)
    assert len(published) == 2 and old_kid in published
    new_kid = next(k for k in published if k != old_kid)
    assert jwt.get_unverified_header(login(gateway, *accounts["official"]))["kid"] == old_kid  # not signing yet

    new_token = wait_until(lambda: (t := login(gateway, *accounts["official"])) and
                           jwt.get_unverified_header(t)["kid"] == new_kid and t, timeout=15,
                           message="the new key to start signing")
    verifier = TokenVerifier(os.environ["IDENTITY_JWKS_URL"], os.environ["TOKEN_ISSUER"], os.environ["TOKEN_AUDIENCE"])
    assert verifier.verify(new_token)["sub"]
    # the services' cached key sets learn the new kid (a refresh at most every 30 s)
    headers = {"Authorization": f"Bearer {new_token}"}
    wait_until(lambda: requests.post(f"{gateway}/api/proposals/editions", json={}, headers=headers,
                                     timeout=10).status_code == 422, timeout=45, interval=1,
               message="proposals-svc to accept a token signed with the new key")

    assert identity_cli("retire-key", "--", new_kid).returncode == 2  # the signing key cannot be retired
    retired = identity_cli("retire-key", "--", old_kid)
    assert retired.returncode == 0, retired.stderr
    assert kids(gateway) == [new_kid]

    # every web process starts afresh, so that later tests do not meet JWKS caches from before the rotation
    stack.stop_services(platform)
    stack.start_services(platform)
