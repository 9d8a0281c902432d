"""The office's audit log viewer: who did what, when, on what and why, across the services, filtered and paged;
refused to a resident."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from glos_testing import new_resident
from site_kit import log_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "consultation-svc" / "tests"))
from consultation_kit import new_consultation  # noqa: E402

pytestmark = pytest.mark.platform



def test_an_official_reads_the_audit_log_and_a_resident_may_not(page, browser, browser_context_args, outside, axe,
                                                               gateway, official_headers, accounts):
    cid = new_consultation(gateway, official_headers)["id"]
    for n in range(52):  # more than a page of one target, to page through
        assert requests.patch(f"{gateway}/api/consultation/consultations/{cid}", headers=official_headers, timeout=10,
                              json={"description": f"Opis {n}", "reason": f"poprawka {n}"}).status_code == 200
    log_in(page, accounts["official"][0], "/", accounts["official"][1])
    page.get_by_role("link", name="Konsola urzędu").click()
    axe.check(page)
    page.get_by_role("link", name="Rejestr działań pracowników").click()
    assert page.locator("table.audit tbody tr").count() == 50  # all services merged, newest first
    axe.check(page)
    page.get_by_label("Usługa").select_option("consultation")
    page.get_by_label("Na czym (identyfikator)").fill(cid)
    page.get_by_role("button", name="Pokaż").click()
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 50
    assert "poprawka 51" in rows.first.inner_text() and "consultation.edited" in rows.first.inner_text()
    axe.check(page)
    page.get_by_role("link", name="Starsze wpisy").click()
    assert page.locator("table.audit tbody tr").count() == 3  # poprawka 1, 0 and the announcement
    assert "consultation.created" in page.locator("table.audit tbody tr").last.inner_text()
    assert page.get_by_label("Na czym (identyfikator)").input_value() == cid

    person = new_resident(gateway)
    context = browser.new_context(**browser_context_args)
    outside.guard(context)
    other = context.new_page()
    log_in(other, person.email, "/")
    assert other.get_by_role("link", name="Konsola urzędu").count() == 0
    assert other.goto("/urzad/rejestr").status == 403
    context.close()
