"""The verifier learns a rotated key from the JWKS it fetches over HTTP: a token with a kid it has not seen makes
it fetch the key set again — at most once per cooldown, so a flood of made-up kids is not a flood of fetches.
(identity-svc's side of a rotation — publish, sign after the overlap, retire — is in its own service tests.)"""

from __future__ import annotations

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from glos_chassis.auth import TokenVerifier
from glos_chassis.errors import Problem
from glos_chassis.testing import TestKeys
from glos_testing import wait_until

COOLDOWN_S = 3.0


class JwksServer:
    """identity-svc's /.well-known/jwks.json as the verifier meets it: a key set over HTTP, counting fetches."""

    def __init__(self):
        self.document = {"keys": []}
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                body = json.dumps(server.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, *keys: TestKeys) -> None:
        self.document = {"keys": [k for key in keys for k in key.public_jwks["keys"]]}


@pytest.fixture
def jwks():
    server = JwksServer()
    yield server
    server.httpd.shutdown()


def test_a_rotated_key_is_fetched_once_its_kid_appears_and_made_up_kids_do_not_flood(jwks):
    old, new = TestKeys("https://glos.local/identity"), TestKeys("https://glos.local/identity")
    verifier = TokenVerifier(jwks.url, old.issuer, old.audience, refresh_cooldown_s=COOLDOWN_S)
    jwks.publish(old)
    assert verifier.verify(old.token("ala"))["sub"] == "ala"
    assert jwks.fetches == 1
    assert verifier.verify(old.token("ola"))["sub"] == "ola" and jwks.fetches == 1  # cached

    jwks.publish(old, new)  # identity-svc rotated: the new key is published before it signs
    started = time.monotonic()
    for n in range(20):  # made-up kids: refused, and the key set asked for at most once per cooldown
        with pytest.raises(Problem) as refused:
            verifier.verify(old.token("napastnik", kid=f"zmyslony-{n}"))
        assert refused.value.status == 401
    assert jwks.fetches <= 1 + math.ceil((time.monotonic() - started) / COOLDOWN_S)
    fetched = jwks.fetches
    # after the cooldown, the new key's first token makes the verifier fetch the set once, and it is known
    wait_until(lambda: _accepted(verifier, new.token("ela")), timeout=10, interval=0.2,
               message="the verifier to fetch the rotated key set")
    assert jwks.fetches <= fetched + 1  # one fetch brought the new key (unless one during the flood had already)
    assert verifier.verify(old.token("ala"))["sub"] == "ala"  # the old key still verifies during the overlap


def test_identity_svc_unreachable_is_a_503_not_a_401(jwks):
    keys = TestKeys("https://glos.local/identity")
    jwks.httpd.shutdown()
    jwks.httpd.server_close()
    verifier = TokenVerifier(jwks.url, keys.issuer, keys.audience)
    with pytest.raises(Problem) as unavailable:
        verifier.verify(keys.token("ala"))
    assert unavailable.value.status == 503 and unavailable.value.headers["Retry-After"]


def _accepted(verifier: TokenVerifier, token: str) -> bool:
    try:
        return verifier.verify(token)["sub"] == "ela"
    except Problem:
        return False
