"""Each service's Alembic migrations build exactly the schema its models describe (no drift)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import stack

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("service", stack.SERVICES)
def test_models_and_migrations_agree(platform, service):
    run = subprocess.run([str(stack.VENV_BIN / "alembic"), "-c", "alembic.ini", "check"], cwd=REPO / f"{service}-svc",
                         env={**os.environ}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No new upgrade operations detected" in run.stdout + run.stderr
