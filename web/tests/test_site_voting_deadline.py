"""Issue 23 (6): a voting edition said "Harmonogram nie został jeszcze ogłoszony" and its home card only
"głosowanie". The home card, the edition and every ballot page say when voting ends, in Warsaw time, with a
countdown in the last day. In Chromium at 1366 and 360 px, axe on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from glos_testing import new_resident
from site_kit import goto_until, log_in, voting_edition

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def ending_tonight(gateway, official_headers):
    """A voting edition whose voting ends in five hours and a half (its schedule announced as a city does)."""
    edition = voting_edition(gateway, official_headers, "BO ostatni wieczór")
    ends = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5, minutes=30)
    r = requests.put(f"{gateway}/api/proposals/editions/{edition['id']}/schedule", headers=official_headers,
                     timeout=10, json={"reason": "harmonogram głosowania", "phases": [
                         {"phase": "voting", "starts_at": (ends - timedelta(days=14)).isoformat(),
                          "ends_at": ends.isoformat()},
                         {"phase": "results", "starts_at": (ends + timedelta(minutes=1)).isoformat(),
                          "ends_at": (ends + timedelta(days=30)).isoformat()}]})
    assert r.status_code == 200, r.text
    warsaw = ends.astimezone(ZoneInfo("Europe/Warsaw"))
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
    return {**edition, "ends_in_warsaw": f"{warsaw.day} {months[warsaw.month - 1]} {warsaw.year}, "
                                         f"{warsaw:%H:%M}"}


@pytest.mark.parametrize("width", [1366, 360])
def test_home_edition_and_ballot_say_when_voting_ends_with_the_last_day_s_countdown(page, axe, gateway,
                                                                                    ending_tonight, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.clock.install()  # the page's own clock, to move it an hour on at the end
    edition, ends = ending_tonight, ending_tonight["ends_in_warsaw"]
    card = page.locator(".card", has=page.get_by_role("link", name=re.compile("^BO ostatni wieczór"))).filter(
        has_text=ends)
    goto_until(page, "/", card)  # the home page's list is cached for a few seconds
    assert card.count() >= 1
    assert re.fullmatch(r"Zostało: 5 godz\. (29|30) min\.", card.first.locator(".countdown").inner_text())
    axe.check(page)
    page.goto(f"/edycje/{edition['id']}")
    deadline = page.locator("#voting-deadline")
    assert f"Głosowanie trwa do {ends} (czas warszawski)." in deadline.inner_text()
    assert deadline.locator(".countdown").is_visible()
    axe.check(page)
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    assert ends in page.locator("#voting-deadline").inner_text()
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    assert ends in page.locator("#voting-deadline").inner_text()  # on every step of the ballot
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe.check(page)
    page.screenshot(path=f"/tmp/glos-deadline-{width}.png", full_page=True)
    # the countdown keeps itself current: an hour later (the page's clock moved) it says so without a reload
    page.clock.fast_forward("01:00:00")
    page.locator(".countdown", has_text="Zostało: 4 godz.").first.wait_for()  # (the CSP refuses wait_for_function)
