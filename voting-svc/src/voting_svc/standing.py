"""Which of a person's ballots counts: one rule, used by the tally and by the recount alike.

A voter key has a standing in an edition — the ballot that counts, or `invalid`. A later ballot of the same
key (same key, same partition of the vote log, so always seen in the same order) is decided by the edition's
frozen rules:

- `revoting: true` — a later online ballot replaces an earlier online one (the last ballot counts);
- `paper_and_online: "first_counts"` — a ballot in the other channel is recorded and not counted;
- `paper_and_online: "all_invalid"` (Warsaw's rule) — a ballot in the other channel voids all of that
  person's ballots;
- anything else (a second ballot that slipped past the vote path's check) is recorded and not counted;
- a ballot cast after the close is recorded as `late` and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

COUNT = "count"
REPLACE = "replace"
VOID_ALL = "void_all"
NOT_COUNTED = "not_counted"
INVALID = "invalid"
LATE = "late"


@dataclass(frozen=True)
class Standing:
    status: str  # "counted" | "invalid"
    channel: str


def decide(current: Standing | None, channel: str, rules: dict, *, cast_at: datetime | None = None,
           closed_at: datetime | None = None) -> str:
    if closed_at is not None and cast_at is not None and cast_at > closed_at:
        return LATE
    if current is None:
        return COUNT
    if current.status == "invalid":
        return INVALID
    if current.channel != channel:
        return VOID_ALL if rules.get("paper_and_online") == "all_invalid" else NOT_COUNTED
    if channel == "online" and rules.get("revoting"):
        return REPLACE
    return NOT_COUNTED
