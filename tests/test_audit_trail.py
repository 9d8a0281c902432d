"""Each service's audit trail read through the gateway (`GET /api/<service>/audit`): office staff only, newest
first, filtered by who, what (exactly or by prefix) and on what, paged by id without skipping a row."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from glos_testing import account_id_of, new_resident

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "consultation-svc" / "tests"))
from consultation_kit import new_consultation  # noqa: E402

pytestmark = pytest.mark.platform


@pytest.mark.parametrize("service", ["identity", "proposals", "voting", "consultation"])
def test_only_office_staff_read_a_services_trail(service, gateway, official_headers):
    url = f"{gateway}/api/{service}/audit"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers=new_resident(gateway).headers, timeout=10).status_code == 403
    page = requests.get(url, headers=official_headers, params={"limit": 5}, timeout=10)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for bad in ({"limit": 0}, {"limit": 201}, {"before_id": "x"}, {"since": "wczoraj"}):
        r = requests.get(url, headers=official_headers, params=bad, timeout=10)
        assert r.status_code == 422 and r.headers["Content-Type"].startswith("application/problem+json"), bad


def test_who_what_on_what_and_why_filtered_and_paged(gateway, official_headers):
    url = f"{gateway}/api/consultation/audit"
    consultation = new_consultation(gateway, official_headers)
    cid = consultation["id"]
    for n in range(3):
        r = requests.patch(f"{gateway}/api/consultation/consultations/{cid}", headers=official_headers, timeout=10,
                           json={"description": f"Opis {n}", "reason": f"poprawka {n}"})
        assert r.status_code == 200, r.text
    found = requests.get(url, headers=official_headers, params={"target": cid}, timeout=10).json()
    assert [(e["action"], e["reason"]) for e in found["entries"]] == [
        ("consultation.edited", "poprawka 2"), ("consultation.edited", "poprawka 1"),
        ("consultation.edited", "poprawka 0"), ("consultation.created", "ogłoszenie konsultacji")]
    assert {e["actor"] for e in found["entries"]} == {account_id_of(official_headers)}
    assert found["entries"][0]["details"]["changed"]["description"] == {"before": "Opis 1", "after": "Opis 2"}
    assert found["next_before_id"] is None
    by_prefix = requests.get(url, headers=official_headers, params={"target": cid, "action": "consultation."},
                             timeout=10).json()["entries"]
    assert len(by_prefix) == 4
    exact = requests.get(url, headers=official_headers, params={"target": cid, "action": "consultation."[:-1]},
                         timeout=10).json()["entries"]
    assert exact == []  # "consultation" is no action of its own; only a prefix ending in "." matches more
    pages, before = [], None
    while True:
        page = requests.get(url, headers=official_headers, timeout=10,
                            params={"target": cid, "limit": 3, **({"before_id": before} if before else {})}).json()
        pages.append([e["id"] for e in page["entries"]])
        before = page["next_before_id"]
        if before is None:
            break
    assert [len(p) for p in pages] == [3, 1]
    assert sum(pages, []) == [e["id"] for e in found["entries"]]
