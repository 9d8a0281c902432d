"""The gateway under what would disturb other tests running beside them — a flood of logins from one address
(the whole suite comes from 127.0.0.1) and a service that is down — so these run alone (conftest.EXCLUSIVE)."""

from __future__ import annotations

import concurrent.futures
import uuid

import requests

import stack
from glos_testing import assert_problem as _assert_problem


def test_login_flood_from_one_address_is_limited_with_a_problem_429(gateway):
    def attempt(_):
        return requests.post(f"{gateway}/api/identity/token", timeout=10,
                             json={"email": f"nobody-{uuid.uuid4().hex[:6]}@glos.local", "password": "x"})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(40)))
    statuses = {r.status_code for r in answers}
    assert statuses <= {401, 429}
    limited = [r for r in answers if r.status_code == 429]
    assert limited, "40 logins at once from one address were all let through"
    body = _assert_problem(limited[0], 429)
    assert limited[0].headers["Retry-After"] == "1"
    assert body["detail"]


def test_a_service_that_is_down_gives_a_problem_502_and_comes_back(gateway, platform):
    assert stack._stop_pid(platform, "consultation-web")
    try:
        _assert_problem(requests.get(f"{gateway}/api/consultation/consultations", timeout=10), 502)
        # a path ending in .pdf or .html: nginx types its own answers by the extension unless told otherwise
        # (issue 24, 8) — the problem is still application/problem+json, not a "PDF" a browser would save
        for report in ("report.pdf", "report.html"):
            _assert_problem(requests.get(f"{gateway}/api/consultation/consultations/{uuid.uuid4()}/{report}",
                                         timeout=10), 502)
    finally:
        stack.start_services(platform, services=("consultation",))
    assert requests.get(f"{gateway}/api/consultation/consultations", timeout=10).status_code == 200
