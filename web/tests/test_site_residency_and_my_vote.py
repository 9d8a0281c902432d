"""Issue 23 (1, 2): a resident's district is chosen from the city's list (or found from the street register),
never typed — "dab" for "Dąb" cost its resident the district ballot — and can be corrected until they vote;
once a ballot is cast, the edition's voting page says so with its receipt, also after a new login or when the
ballot was cast in another browser, with no stale "unsent ballot" banner. In Chromium at 1366 and 360 px,
with and without JavaScript, axe on every page."""

from __future__ import annotations

import re
import uuid

import pytest

from glos_testing import make_pesel, new_resident, seed_account
from site_kit import PASSWORD, log_in, new_page, no_horizontal_overflow, voting_edition

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def edition(gateway, official_headers):
    return voting_edition(gateway, official_headers, "BO moje osiedle")


def vote_for_the_cheapest_dab_project(page, edition) -> str:
    """From the edition's voting page to the receipt: one Dąb project, the city-wide pool left empty."""
    cheapest = min(edition["dab"]["projects"], key=lambda p: p["cost"])
    page.get_by_role("button", name=re.compile("Rozpocznij głosowanie|Wróć do karty")).click()
    page.locator(f"#p-{cheapest['proposal_id']}").check()
    no_horizontal_overflow(page)  # the district's budget ballot
    page.get_by_role("button", name="Zapisz i dalej").click()
    no_horizontal_overflow(page)  # the city-wide points ballot (407 px wide on a phone before)
    page.get_by_role("button", name="Zapisz i dalej").click()
    no_horizontal_overflow(page)  # the summary
    page.get_by_label("Rozumiem, że oddanego głosu nie można zmienić.").check()
    page.get_by_role("button", name="Oddaj głos").click()
    return page.locator("#receipt-code").inner_text()


@pytest.mark.parametrize("width", [1366, 360])
def test_the_district_is_chosen_from_the_city_s_list_and_corrected_until_voting(page, axe, gateway, width):
    page.set_viewport_size({"width": width, "height": 900})
    email = f"osiedle-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, PASSWORD)
    log_in(page, email, "/konto/")
    district = page.get_by_label(re.compile(r"^Osiedle"))
    assert district.evaluate("e => e.tagName") == "SELECT"  # never free text
    options = district.locator("option").all_inner_texts()
    assert "Dąb" in options and "Załęże" in options and len(options) == 23  # a blank + Katowice's 22
    no_horizontal_overflow(page)
    axe.check(page)
    # the street register does not know the street and no district was chosen: said by the district field
    page.get_by_label("Imię").fill("Anna")
    page.get_by_label("Nazwisko").fill("Osiedlowa")
    page.get_by_label("Numer PESEL").fill(make_pesel(1988, 8, 8, uuid.uuid4().int % 10000))
    page.get_by_label("Adres zamieszkania").fill("ul. Dębowa 5")
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert "Nie znaleźliśmy tej ulicy w rejestrze" in page.locator("#district-error").inner_text()
    assert page.get_by_label("Adres zamieszkania").input_value() == "ul. Dębowa 5"  # what was typed stays
    no_horizontal_overflow(page)
    axe.check(page)
    page.get_by_label(re.compile(r"^Osiedle")).select_option("Dąb")
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert page.get_by_text("Twoje zamieszkanie zostało potwierdzone").is_visible()
    assert page.locator("#my-district").inner_text() == "Dąb"
    assert page.locator("#my-address").inner_text() == "ul. Dębowa 5"
    # corrected: the wrong district chosen by mistake
    page.get_by_text("Popraw adres lub osiedle").click()
    page.get_by_label(re.compile(r"^Osiedle")).select_option("Załęże")
    page.get_by_label("Adres zamieszkania").fill("ul. Gliwicka 100")
    page.get_by_role("button", name="Zapisz poprawkę").click()
    assert page.get_by_text("Zapisano: osiedle Załęże.").is_visible()
    assert page.locator("#my-district").inner_text() == "Załęże"
    assert page.locator("#my-address").inner_text() == "ul. Gliwicka 100"
    no_horizontal_overflow(page)
    axe.check(page)
    page.screenshot(path=f"/tmp/glos-residency-{width}.png", full_page=True)


def test_without_javascript_the_correction_form_shows_the_refusal_by_its_field(no_js_page, axe, gateway):
    page = no_js_page
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, "/konto/")
    assert page.locator("#my-district").inner_text() == "Dąb"
    page.get_by_text("Popraw adres lub osiedle").click()
    page.get_by_label("Adres zamieszkania").fill("")
    page.get_by_role("button", name="Zapisz poprawkę").click()
    assert page.locator("#address-error").is_visible()
    assert page.locator("#correct-residency").get_attribute("open") is not None  # the form stays open
    axe.check(page, scripts=False)


@pytest.mark.parametrize("width", [1366, 360])
def test_after_voting_the_voting_page_shows_the_receipt_also_after_a_new_login(page, axe, gateway, edition,
                                                                               width):
    page.set_viewport_size({"width": width, "height": 900})
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    code = vote_for_the_cheapest_dab_project(page, edition)
    page.get_by_role("button", name="Wyloguj").click()
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")  # a new session: nothing remembered
    voted = page.locator("#voted")
    assert voted.get_by_role("heading", name="Twój głos został oddany").is_visible()
    assert voted.locator(".receipt-code").inner_text() == code
    assert page.get_by_role("button", name=re.compile("Rozpocznij głosowanie|Wróć do karty")).count() == 0
    no_horizontal_overflow(page)
    axe.check(page)
    page.screenshot(path=f"/tmp/glos-voted-{width}.png", full_page=True)
    voted.get_by_role("link", name=re.compile("Zobacz potwierdzenie")).click()
    assert page.locator("#receipt-code").inner_text() == code
    # the summary of a ballot that can no longer be cast leads back to the receipt
    page.goto(f"/edycje/{edition['id']}/glosowanie/podsumowanie")
    assert page.get_by_text("Twój głos w tej edycji został już oddany.").is_visible()
    assert page.locator("#voted .receipt-code").inner_text() == code
    page.goto("/")
    assert page.get_by_text("Masz niewysłany głos").count() == 0
    # and the district stays as the ballot's credential carried it
    page.goto("/konto/")
    assert "Oddano już głos" in page.locator("#district-locked").inner_text()
    assert page.get_by_text("Popraw adres lub osiedle").count() == 0


def test_a_ballot_cast_in_another_browser_ends_this_one_s_draft_with_that_receipt(page, browser, gateway, edition,
                                                                                 browser_context_args, outside):
    resident = new_resident(gateway, "Dąb")
    # the laptop: a ballot begun, not sent
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    page.locator(f"#p-{edition['dab']['projects'][0]['proposal_id']}").check()
    page.get_by_role("button", name="Zapisz i dalej").click()
    page.goto("/")
    assert page.get_by_text("Masz niewysłany głos").is_visible()
    page.get_by_role("link", name="Wróć do karty do głosowania").click()
    assert page.get_by_role("heading", name="Sprawdź swój głos").is_visible()
    # the phone: the whole vote, while the laptop shows the summary
    phone = new_page(browser, browser_context_args, outside)
    phone.set_viewport_size({"width": 360, "height": 800})
    log_in(phone, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    code = vote_for_the_cheapest_dab_project(phone, edition)
    phone.context.close()
    # back on the laptop: sending the old draft says what happened, and shows the phone's receipt
    page.get_by_label("Rozumiem, że oddanego głosu nie można zmienić.").check()
    page.get_by_role("button", name="Oddaj głos").click()
    assert page.get_by_text("Twój głos w tej edycji został już oddany wcześniej").is_visible()
    assert page.locator("#voted .receipt-code").inner_text() == code
    page.goto("/")
    assert page.get_by_text("Masz niewysłany głos").count() == 0
