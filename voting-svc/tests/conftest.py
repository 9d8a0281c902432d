"""voting-svc's test fixtures; the helpers are in voting_kit.py (importable from the tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from voting_kit import new_election  # noqa: E402


@pytest.fixture(scope="module")
def election(gateway, official_headers):
    return new_election(gateway, official_headers)
