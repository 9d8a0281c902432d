"""The Locust smoke scenario runs headless against the real gateway for a few seconds with no failures."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_smoke_scenario_runs_clean_through_the_gateway(gateway, accounts, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "GLOS_OFFICIAL_EMAIL": accounts["official"][0], "GLOS_OFFICIAL_PASSWORD": accounts["official"][1],
           "GLOS_RESIDENT_EMAIL": accounts["resident"][0], "GLOS_RESIDENT_PASSWORD": accounts["resident"][1]}
    run = subprocess.run([sys.executable, "-m", "locust", "-f", str(REPO / "loadtests" / "locustfile.py"),
                          "--headless", "-u", "5", "-r", "5", "-t", "6s", "--host", gateway, "--only-summary",
                          "--csv", str(tmp_path / "smoke"), "--exit-code-on-error", "1"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(tmp_path / "smoke_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    assert int(total["Request Count"]) > 20
    assert int(total["Failure Count"]) == 0
    assert "/api/proposals/editions/[id]/proposals (submit)" in rows
