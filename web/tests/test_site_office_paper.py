"""A voting point in the browser: cards handed out by PESEL (an unknown one refused by its field), each keyed
twice by two officials, a card over the limit refused at keying with what was typed kept, and a mismatch shown
side by side to the coordinator, who decides it from the card."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
import requests

from glos_testing import make_pesel, new_resident, seed_account

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "voting-svc" / "tests"))
from voting_kit import new_election  # noqa: E402

from site_kit import log_in

pytestmark = pytest.mark.platform



def field(area: dict, n: int) -> str:
    return f"#key-a{area['area_id']}-{area['projects'][n]['proposal_id']}"


def key_card(page, eid: str, number: str, points: list[tuple[dict, int, int]]) -> None:
    page.goto(f"/urzad/edycje/{eid}/karty/{number}")
    for area, n, value in points:
        page.locator(field(area, n)).fill(str(value))
    page.get_by_role("button", name="Zapisz wprowadzenie").click()


def test_paper_cards_keyed_twice_and_a_mismatch_decided(page, browser, browser_context_args, outside, axe, gateway,
                                                         official_headers, accounts):
    election = new_election(gateway, official_headers)
    eid, city, dab = election["edition"], election["city"], election["dab"]
    email = f"urzednik-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-urzednika-123456", roles="pb_official")
    log_in(page, accounts["official"][0], f"/urzad/edycje/{eid}/karty", accounts["official"][1])

    # -- handing out: an unknown PESEL is named by its field; then three cards
    page.get_by_label("PESEL głosującego").fill(make_pesel(1950, 1, 1, uuid.uuid4().int % 10000))
    page.get_by_label("Numer karty").fill("W-0001")
    page.get_by_role("button", name="Wydaj kartę").click()
    assert page.locator("#pesel-error").is_visible()
    assert page.get_by_label("Numer karty").input_value() == "W-0001"
    assert page.get_by_label("PESEL głosującego").input_value() == ""  # a PESEL is never sent back
    axe.check(page)
    for number in ("W-0001", "W-0002", "W-0003"):
        page.get_by_label("PESEL głosującego").fill(new_resident(gateway, "Dąb").pesel)
        page.get_by_label("Numer karty").fill(number)
        page.get_by_role("button", name="Wydaj kartę").click()
        assert page.get_by_text(f"Wydano kartę {number} (osiedle Dąb).").is_visible()

    # -- W-0001 keyed the same by both officials: accepted; W-0002 read differently: a mismatch
    key_card(page, eid, "W-0001", [(city, 0, 2), (city, 1, 1), (dab, 0, 1)])
    assert page.get_by_text("Karta W-0001: wprowadzona raz.").is_visible()
    axe.check(page)
    key_card(page, eid, "W-0002", [(city, 0, 3)])
    key_card(page, eid, "W-0003", [(city, 0, 2), (city, 1, 2)])  # 4 points where 3 are allowed
    assert page.locator("#error-summary").is_visible()
    assert page.locator(field(city, 1)).input_value() == "2"
    axe.check(page)

    context = browser.new_context(**browser_context_args)
    outside.guard(context)
    second = context.new_page()
    log_in(second, email, f"/urzad/edycje/{eid}/karty", "haslo-urzednika-123456")
    key_card(second, eid, "W-0001", [(city, 1, 1), (city, 0, 2), (dab, 0, 1)])
    assert second.get_by_text("Karta W-0001: przyjęta.").is_visible()
    key_card(second, eid, "W-0002", [(city, 0, 2)])
    assert second.get_by_text("Karta W-0002: niezgodne wprowadzenia.").is_visible()
    second.goto(f"/urzad/edycje/{eid}/karty/W-0002")
    assert second.get_by_role("heading", name="Rozstrzygnij na podstawie karty").count() == 0  # the coordinator's
    context.close()

    # -- the coordinator: the mismatch queue, both entries side by side, the decision from the card
    page.goto(f"/urzad/edycje/{eid}/karty")
    page.get_by_label("Status").select_option("mismatch")
    page.get_by_role("button", name="Pokaż").click()
    page.get_by_role("link", name="W-0002").click()
    tables = page.locator(".side-by-side table")
    assert tables.count() == 2
    title = city["projects"][0]["title"]
    assert tables.nth(0).get_by_role("row", name=title).inner_text().endswith("3")
    assert tables.nth(1).get_by_role("row", name=title).inner_text().endswith("2")
    axe.check(page)
    page.locator(f"#resolve-a{city['area_id']}-{city['projects'][0]['proposal_id']}").fill("3")
    page.get_by_label("Uzasadnienie rozstrzygnięcia").fill("na karcie wyraźnie 3 punkty")
    page.get_by_role("button", name="Zapisz rozstrzygnięcie").click()
    assert page.get_by_text("Karta W-0002: przyjęta.").is_visible()
    found = {c["card_number"]: c["status"] for c in requests.get(
        f"{gateway}/api/voting/editions/{eid}/paper-cards", headers=official_headers, timeout=10).json()}
    assert found == {"W-0001": "accepted", "W-0002": "accepted", "W-0003": "handed_out"}
