"""Pabulib import and export: a whole real edition (Katowice 2020, 23 areas) becomes areas and qualified
projects, announced through the outbox and projected by voting-svc. One area through the API and the refusal of
bad files are proposals-svc's own behaviour: tests/service/test_pabulib_import.py."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import requests
import stack
from glos_testing import wait_until
from proposals_svc.pabulib import read

KATOWICE = sorted((Path(__file__).resolve().parents[2] / "data" / "pabulib" / "katowice-2020").glob("*.pb"))


def test_katowice_2020_is_imported_whole_and_reaches_voting_svc(gateway):
    name = f"BO Katowice 2020 import {uuid.uuid4().hex[:6]}"
    run = subprocess.run([str(stack.VENV_BIN / "proposals-svc"), "import-pabulib", "--name", name, "--city",
                          "Katowice", "--year", "2020", *map(str, KATOWICE)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    edition = next(e for e in requests.get(f"{gateway}/api/proposals/editions", timeout=10).json() if e["name"] == name)
    areas = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/areas", timeout=10).json()
    assert len(areas) == 23
    assert [a["kind"] for a in areas].count("city") == 1
    expected = {}
    for path in KATOWICE:
        parsed = read(path.read_text(encoding="utf-8"))
        expected[parsed.name] = (int(parsed.meta["budget"]), {p["project_id"]: int(p["cost"]) for p in parsed.projects})
    assert {a["name"]: a["budget"] for a in areas} == {k: v[0] for k, v in expected.items()}
    proposals = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/proposals", timeout=10).json()
    by_area = {a["id"]: a["name"] for a in areas}
    imported = {}
    for p in proposals:
        imported.setdefault(by_area[p["area_id"]], {})[p["external_id"]] = p["cost"]
        assert p["status"] == "qualified"
    assert imported == {k: v[1] for k, v in expected.items()}

    total = len(proposals)
    wait_until(lambda: len(requests.get(f"{gateway}/api/voting/editions/{edition['id']}", timeout=10)
                           .json().get("projects", [])) == total, timeout=60,
               message=f"voting-svc to project all {total} imported projects")

    # export an area back to Pabulib: the same projects and costs
    district = next(a for a in areas if a["kind"] == "district")
    exported = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/areas/{district['id']}/pabulib",
                            timeout=10)
    assert exported.status_code == 200
    again = read(exported.text)
    assert {p["project_id"]: int(p["cost"]) for p in again.projects} == expected[district["name"]][1]
    assert again.meta["budget"] == str(district["budget"]) and again.meta["district"] == district["name"]
