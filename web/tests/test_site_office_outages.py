"""Issue 26 (4), first part: the coordinator sees when ballots could not be cast. An outage the voting worker's
ledger recorded during an edition's voting is on the edition's closing page — when, how long, and why in words —
with the way to extend voting; an edition without one says so. In Chromium at 1366 and 360 px, axe on each."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import requests

from glos_testing import wait_until
from site_kit import at_desk_and_phone, log_in, voting_edition

pytestmark = pytest.mark.platform


def record_outage(cause: str, started_at: datetime, ended_at: datetime) -> None:
    """What voting-svc's worker writes when its checks fail and then pass again (its own code, on the test
    stack's voting database)."""
    from sqlalchemy import create_engine

    from glos_chassis.db import make_session_factory
    from voting_svc.outages import Ledger

    engine = create_engine(os.environ["VOTING_DATABASE_URL"])
    try:
        ledger = Ledger(make_session_factory(engine))
        ledger.observe(cause, at=started_at)
        ledger.observe(None, at=ended_at)
    finally:
        engine.dispose()


def test_the_closing_page_shows_the_outages_of_the_edition_s_voting(page, axe, gateway, official_headers, accounts):
    edition = voting_edition(gateway, official_headers, "BO z przerwą")
    frozen = datetime.fromisoformat(requests.get(f"{gateway}/api/voting/editions/{edition['id']}/ballot",
                                                 timeout=10).json()["frozen_at"])
    # an outage of two seconds during its voting, over by now (the ledger cuts what lies outside the voting)
    wait_until(lambda: datetime.now(UTC) > frozen + timedelta(seconds=3), timeout=10, message="voting under way")
    record_outage("vote log: partition 4 has 1 in-sync copies of the 2 a ballot needs",
                  frozen + timedelta(seconds=1), frozen + timedelta(seconds=3))
    quiet = voting_edition(gateway, official_headers, "BO bez przerw")  # its voting began after that outage

    log_in(page, accounts["official"][0], f"/urzad/edycje/{edition['id']}/zamkniecie", accounts["official"][1])
    section = page.get_by_role("region", name="Przerwy w głosowaniu")
    row = section.get_by_role("table", name="Przerwy w głosowaniu").locator("tbody tr")
    assert row.count() >= 1
    mine = row.filter(has_text="partition 4 has 1 in-sync copies")
    assert "rejestr głosów (Kafka) nie przyjmował zapisów" in mine.inner_text()
    assert "2 s" in mine.inner_text()
    assert section.get_by_role("link", name="harmonogram").get_attribute("href").endswith("/ustawienia#schedule")
    at_desk_and_phone(page, axe, "office-outages")

    page.goto(f"/urzad/edycje/{quiet['id']}/zamkniecie")
    assert page.get_by_text("Od początku głosowania system przyjmował głosy bez przerw.").is_visible()
