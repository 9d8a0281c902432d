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
    assert "/api/proposals/editions/[id]/proposals (draft)" in rows


def test_last_evening_scenario_casts_ballots_through_the_gateway(gateway, accounts, official_headers, tmp_path):
    sys.path.insert(0, str(REPO / "voting-svc" / "tests"))
    from voting_kit import new_election, seed_voters

    election = new_election(gateway, official_headers)
    credentials = seed_voters(election["edition"], ["Dąb"] * 400, tmp_path)
    (tmp_path / "credentials.txt").write_text("\n".join(credentials))
    env = {**os.environ, "PYTHONPATH": str(REPO), "GLOS_EDITION": election["edition"],
           "GLOS_CREDENTIALS": str(tmp_path / "credentials.txt"), "GLOS_LAST_EVENING_SECONDS": "12",
           "GLOS_OFFICIAL_EMAIL": accounts["official"][0], "GLOS_OFFICIAL_PASSWORD": accounts["official"][1],
           "GLOS_RESIDENT_EMAIL": accounts["resident"][0], "GLOS_RESIDENT_PASSWORD": accounts["resident"][1]}
    run = subprocess.run([sys.executable, "-m", "locust", "-f", str(REPO / "loadtests" / "last_evening.py"),
                          "--headless", "--host", gateway, "--only-summary", "--csv", str(tmp_path / "evening"),
                          "--exit-code-on-error", "1"], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(tmp_path / "evening_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    votes = rows["/api/voting/editions/[id]/votes"]
    assert int(votes["Request Count"]) > 50 and int(votes["Failure Count"]) == 0
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert "/api/proposals/editions/[id]/proposals (draft)" in rows
