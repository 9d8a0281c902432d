"""Canonical JSON and its SHA-256: the one encoding under which published documents (frozen voting rules,
results) are hashed, so that the publisher, every consumer and any citizen compute the same digest.

Keys sorted, no insignificant whitespace, UTF-8 (not \\u escapes).
"""

from __future__ import annotations

import hashlib
import json


def canonical_json(document) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(document) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()
