"""Helpers voting-svc's tests share: an edition built through the real API (Katowice 2020 city-wide and two
districts imported from Pabulib, rules set and frozen, eligibility in identity-svc), voters with real
credentials, and ballots cast through nginx."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from types import SimpleNamespace

import requests
from sqlalchemy import create_engine, text

from glos_testing import new_resident, wait_until  # noqa: F401  (new_resident is part of this kit)

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib" / "katowice-2020"
SEED = "seed"
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "tie_break": ["draw"],
                  "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()},
    "eligibility": {"voting_day": "2027-09-20", "residency": "either"},
}


def frozen_edition(gateway: str, official_headers: dict, files, rules: dict, *, name: str, year: int) -> tuple[str, dict]:
    """An edition built through the API: areas imported from Pabulib files, rules set and frozen, eligibility
    in identity-svc. Returns its id and the published ballot's areas by name, once voting-svc has them."""
    edition = requests.post(f"{gateway}/api/proposals/editions", headers=official_headers, timeout=10, json={
        "name": name, "city": "Katowice", "year": year}).json()["id"]
    for path in files:
        r = requests.post(f"{gateway}/api/proposals/editions/{edition}/areas/pabulib", data=path.read_bytes(),
                          params={"source": path.name}, headers={**official_headers, "Content-Type": "text/plain"},
                          timeout=60)
        assert r.status_code == 201, r.text
    assert requests.put(f"{gateway}/api/proposals/editions/{edition}/voting-rules", headers=official_headers,
                        json={"rules": rules, "reason": "test"}, timeout=10).status_code == 200
    assert requests.post(f"{gateway}/api/proposals/editions/{edition}/ballot", headers=official_headers,
                         json={"reason": "start"}, timeout=30).status_code == 201
    # identity-svc takes the eligibility rules from the same `ballot.published` voting-svc projects. A deadline,
    # not a timing: on a fresh three-broker cluster under the rest of the suite's load (the fault test), the
    # consumers' first group join took over a minute once
    wait_until(lambda: requests.get(f"{gateway}/api/identity/editions/{edition}/eligibility", timeout=10)
               .status_code == 200, timeout=180, message="the eligibility rules in identity-svc")
    ballot = wait_until(lambda: (r := requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10))
                        .status_code == 200 and r.json(), timeout=180, message="the ballot in voting-svc")
    return edition, {a["name"]: a for a in ballot["areas"]}


def new_election(gateway: str, official_headers: dict, **rule_changes) -> dict:
    """A frozen edition with Katowice 2020's city-wide pool, Dąb and Załęże, as voting-svc sees it."""
    edition, areas = frozen_edition(
        gateway, official_headers, [DATA / "Poland_Katowice_2020.pb", DATA / "Poland_Katowice_2020_Dab.pb",
                                    DATA / "Poland_Katowice_2020_Zaleze.pb"],
        {**RULES, **rule_changes}, name=f"BO głosowanie {uuid.uuid4().hex[:6]}", year=2027)
    return {"edition": edition, "city": areas["Katowice — ogólnomiejski"], "dab": areas["Dąb"],
            "zaleze": areas["Załęże"]}


def online_credential(gateway: str, edition: str, resident: SimpleNamespace) -> str:
    r = requests.post(f"{gateway}/api/identity/editions/{edition}/credential", json={}, headers=resident.headers,
                      timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["credential"]


def voter(gateway: str, edition: str, district: str = "Dąb") -> str:
    return online_credential(gateway, edition, new_resident(gateway, district))


def cast(gateway: str, edition: str, credential: str, parts: list, key: str | None = None) -> requests.Response:
    return requests.post(f"{gateway}/api/voting/editions/{edition}/votes", json={"parts": parts}, timeout=20,
                         headers={"Authorization": f"Bearer {credential}",
                                  "Idempotency-Key": key or uuid.uuid4().hex})


def part(area: dict, *points: int) -> dict:
    """A ballot part giving `points` to the area's projects in order; 0 means the project is not chosen."""
    return {"area_id": area["area_id"], "choices": [{"project_id": p["proposal_id"], "points": n}
                                                    for p, n in zip(area["projects"], points) if n]}


def voting_db(sql: str, **params):
    engine = create_engine(os.environ["VOTING_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def recount(edition: str) -> str:
    """`voting-svc recount EDITION`: the vote log replayed into an empty tally, compared with the database."""
    import subprocess

    import stack

    run = subprocess.run([str(stack.VENV_BIN / "voting-svc"), "recount", edition], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.strip().endswith("identical"), run.stdout + run.stderr
    return run.stdout


def seed_voters(edition: str, districts: list[str], tmp_path: Path) -> list[str]:
    """Online credentials for made-up voters of the given districts, from identity-svc's seed-voters."""
    import subprocess

    import stack

    listing, out = tmp_path / "districts.txt", tmp_path / "credentials.txt"
    listing.write_text("\n".join(districts) + "\n", encoding="utf-8")
    subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-voters", edition, str(listing), "--out", str(out)],
                   check=True, capture_output=True, timeout=600)
    return out.read_text().split()
