"""Hourly counters in Redis for the endpoints that send mail to an address someone typed (registration,
password reset): per recipient, so nobody's mailbox can be flooded through us, and per client address."""

from __future__ import annotations

import hashlib

WINDOW_S = 3600


def within(redis_client, key: str, limit: int) -> bool:
    """Count one more use under `key` this hour; whether it is still within `limit`."""
    pipe = redis_client.pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW_S, nx=True)
    count, _ = pipe.execute()
    return count <= limit


def recipient_key(purpose: str, email: str) -> str:
    return f"glos:{purpose}:recipient:{hashlib.sha256(email.strip().lower().encode()).hexdigest()}"


def client_key(purpose: str, address: str) -> str:
    return f"glos:{purpose}:client:{address}"
