"""Signing benchmark: what one login or one voter credential costs identity-svc in CPU for its signature —
decrypting the active key for every request (as before, the baseline) against decrypting it once per process
(keys._decrypted_key) — measured in the same run. Figures, not a test.

    .venv/bin/python identity-svc/benchmarks/signing_benchmark.py --tokens 200
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from identity_svc import keys


def timings(sign, count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        sign()
        found.append(time.perf_counter() - started)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    passphrase = b"benchmark-passphrase"
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(passphrase)).decode()
    kid = uuid.uuid4().hex
    claims = {"sub": "voter", "aud": "glos-voting", "typ": "voter-credential"}

    def every_time():
        key = serialization.load_pem_private_key(pem.encode(), password=passphrase)
        jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def cached():
        jwt.encode(claims, keys._decrypted_key(kid, pem, passphrase), algorithm="RS256", headers={"kid": kid})

    baseline = timings(every_time, max(10, args.tokens // 10))  # slow: a tenth as many
    now = timings(cached, args.tokens)
    for name, runs in (("decrypt per request (before)", baseline), ("decrypted once (now)", now)):
        ordered = sorted(runs)
        print(f"{name:30s} {len(runs) / sum(runs):9.1f} tokens/s  p50 {statistics.median(runs) * 1000:7.2f} ms  "
              f"p99 {ordered[int(0.99 * (len(ordered) - 1))] * 1000:7.2f} ms")
    print(f"ratio (now / before, tokens per second): {(len(now) / sum(now)) / (len(baseline) / sum(baseline)):.1f}")


if __name__ == "__main__":
    main()
