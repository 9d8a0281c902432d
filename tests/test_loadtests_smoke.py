"""The Locust smoke scenario runs headless against the real gateway for a few seconds with no failures."""

from __future__ import annotations

import json
import os

import requests
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _locust(scenario: str, extra_args: list[str], env: dict, tmp_path: Path, name: str, timeout: int = 180) -> dict:
    """Run a Locust scenario headless through the gateway; its final stats by request name, and their sum under
    "Aggregated". From --json-file, which Locust writes from its final stats at exit: its CSV is rewritten only
    once a second while the run lasts, so the requests of the last second may be missing from it (a run that
    stopped right after its sixth ballot counted five cast-ballot requests in the CSV)."""
    run = subprocess.run([sys.executable, "-m", "locust", "-f", str(REPO / "loadtests" / scenario), "--headless",
                          *extra_args, "--only-summary", "--json-file", str(tmp_path / name),
                          "--exit-code-on-error", "1"],
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **env}, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == 0, run.stderr[-3000:]
    entries = json.loads((tmp_path / f"{name}.json").read_text())
    rows = {entry["name"]: entry for entry in entries}
    rows["Aggregated"] = {"num_requests": sum(e["num_requests"] for e in entries),
                          "num_failures": sum(e["num_failures"] for e in entries)}
    return rows


def test_smoke_scenario_runs_clean_through_the_gateway(gateway, accounts, tmp_path):
    rows = _locust("locustfile.py", ["-u", "5", "-r", "5", "-t", "6s", "--host", gateway], {
        "GLOS_OFFICIAL_EMAIL": accounts["official"][0], "GLOS_OFFICIAL_PASSWORD": accounts["official"][1],
        "GLOS_RESIDENT_EMAIL": accounts["resident"][0], "GLOS_RESIDENT_PASSWORD": accounts["resident"][1]},
        tmp_path, "smoke", timeout=120)
    assert rows["Aggregated"]["num_requests"] > 20
    assert rows["Aggregated"]["num_failures"] == 0
    assert "/api/proposals/editions/[id]/proposals (draft)" in rows


def test_last_evening_scenario_casts_ballots_through_the_gateway(gateway, accounts, official_headers, tmp_path):
    sys.path.insert(0, str(REPO / "voting-svc" / "tests"))
    from voting_kit import new_election, seed_voters

    election = new_election(gateway, official_headers)
    credentials = seed_voters(election["edition"], ["Dąb"] * 400, tmp_path)
    (tmp_path / "credentials.txt").write_text("\n".join(credentials))
    rows = _locust("last_evening.py", ["--host", gateway], {
        "GLOS_EDITION": election["edition"], "GLOS_CREDENTIALS": str(tmp_path / "credentials.txt"),
        "GLOS_LAST_EVENING_SECONDS": "12",
        "GLOS_OFFICIAL_EMAIL": accounts["official"][0], "GLOS_OFFICIAL_PASSWORD": accounts["official"][1],
        "GLOS_RESIDENT_EMAIL": accounts["resident"][0], "GLOS_RESIDENT_PASSWORD": accounts["resident"][1]},
        tmp_path, "evening")
    votes = rows["/api/voting/editions/[id]/votes"]
    assert votes["num_requests"] > 50 and votes["num_failures"] == 0
    assert rows["Aggregated"]["num_failures"] == 0
    assert "/api/proposals/editions/[id]/proposals (draft)" in rows


def test_site_journey_votes_through_the_site(gateway, official_headers, platform, tmp_path):
    """The Locust journey on the site (browse → project → ballot → vote) through nginx and glos-web."""
    sys.path.insert(0, str(REPO / "voting-svc" / "tests"))
    import stack
    from voting_kit import new_election

    election = new_election(gateway, official_headers)
    assert requests.post(f"{gateway}/api/proposals/editions/{election['edition']}/phase", headers=official_headers,
                         json={"phase": "voting", "reason": "test"}, timeout=10).status_code == 200
    (tmp_path / "districts.txt").write_text("Dąb\n" * 12)
    subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-residents", str(tmp_path / "districts.txt"),
                    "--password", "haslo-obciazenie-2027", "--out", str(tmp_path / "residents.txt")],
                   check=True, capture_output=True, timeout=120)
    # until all six residents have voted (at most 90 s): a run of a fixed 12 s once ended on a slow machine before
    # any resident had reached the ballot's last step
    rows = _locust("site_journey.py", ["-u", "6", "-r", "3", "-t", "90s", "--host", gateway], {
        "GLOS_EDITION": election["edition"], "GLOS_RESIDENTS": str(tmp_path / "residents.txt"),
        "GLOS_RESIDENT_PASSWORD": "haslo-obciazenie-2027", "GLOS_STOP_AFTER_VOTES": "6",
        "GLOS_WEB_DIRECT": f"http://127.0.0.1:{platform.service_port('web')}"}, tmp_path, "site")
    assert rows["Aggregated"]["num_failures"] == 0
    assert rows["/edycje/[id]/glosowanie/oddaj (POST)"]["num_requests"] == 6  # each resident's ballot, cast on the site
    assert rows["/edycje/[id]/projekty/[id]"]["num_requests"] > 5
    from glos_testing import wait_until

    cast = rows["/edycje/[id]/glosowanie/oddaj (POST)"]["num_requests"]
    wait_until(lambda: sum(r["voters"] for r in requests.get(
        f"{gateway}/api/voting/editions/{election['edition']}/turnout", timeout=10).json()) >= cast,
        timeout=30, message="the tally to count the ballots cast through the site")
