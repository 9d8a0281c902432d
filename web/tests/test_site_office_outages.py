"""Issue 26 (4): the coordinator sees when ballots could not be cast and extends voting by it. An outage the voting
worker's ledger recorded during an edition's voting is on the edition's closing page — when, how long, and why in
words — with the extension form filled in (the scheduled end moved by the outages' length, the reason); a wrong
end is refused by its field; once extended, residents read the new end and the reason on the edition's page. An
edition without outages says so. In Chromium at 1366 and 360 px, axe on each."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from glos_testing import wait_until
from site_kit import at_desk_and_phone, goto_until, log_in, voting_edition

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


def scheduled(gateway, official_headers, edition_id: str) -> datetime:
    """Voting began yesterday and ends in two hours (the schedule a city announces); returns its end."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ends = now + timedelta(hours=2)
    r = requests.put(f"{gateway}/api/proposals/editions/{edition_id}/schedule", headers=official_headers, timeout=10,
                     json={"reason": "harmonogram głosowania", "phases": [
                         {"phase": "voting", "starts_at": (now - timedelta(days=1)).isoformat(),
                          "ends_at": ends.isoformat()}]})
    assert r.status_code == 200, r.text
    return ends


def test_the_closing_page_shows_the_outages_of_the_edition_s_voting(page, axe, gateway, official_headers, accounts):
    edition = voting_edition(gateway, official_headers, "BO z przerwą")
    ends = scheduled(gateway, official_headers, edition["id"])
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
    # the form filled in: the end moved by the outages' length (2 s → a whole minute), the reason
    new_end = page.get_by_label("Nowy koniec głosowania (czas warszawski)")
    warsaw = ZoneInfo("Europe/Warsaw")
    assert new_end.input_value() == (ends + timedelta(minutes=1)).astimezone(warsaw).strftime("%Y-%m-%dT%H:%M")
    assert page.get_by_label("Powód (zobaczą go mieszkańcy)").input_value() == \
        "Przerwy w działaniu systemu głosowania, razem 1 min."
    at_desk_and_phone(page, axe, "office-outages")
    # a mistake: an end before the scheduled one is refused by its field, what was typed kept
    earlier = (ends - timedelta(hours=1)).astimezone(warsaw).strftime("%Y-%m-%dT%H:%M")
    new_end.fill(earlier)
    page.get_by_role("button", name="Przedłuż głosowanie").click()
    assert page.locator("#extend_ends_at-error").is_visible()
    assert page.get_by_label("Nowy koniec głosowania (czas warszawski)").input_value() == earlier
    axe.check(page)
    later = ends + timedelta(minutes=30)
    page.get_by_label("Nowy koniec głosowania (czas warszawski)").fill(later.astimezone(warsaw).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Powód (zobaczą go mieszkańcy)").fill("Awaria rejestru głosów wieczorem 5 grudnia")
    page.get_by_role("button", name="Przedłuż głosowanie").click()
    assert page.get_by_text("Głosowanie przedłużone").is_visible()
    # residents read it on the edition's page (its lists are cached a few seconds)
    notice = page.locator("#voting-extended")
    goto_until(page, f"/edycje/{edition['id']}", notice)
    assert "Powód: Awaria rejestru głosów wieczorem 5 grudnia" in notice.inner_text()
    assert f"{later.astimezone(warsaw):%H:%M}" in notice.inner_text()
    at_desk_and_phone(page, axe, "edition-extended")

    page.goto(f"/urzad/edycje/{quiet['id']}/zamkniecie")
    assert page.get_by_text("Od początku głosowania system przyjmował głosy bez przerw.").is_visible()
