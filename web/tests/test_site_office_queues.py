"""Verification in the office console: an official's formal verification against the checklist (a failed item
without its reason refused by the item), the assignment to a department, and the department reviewer's own
queue with the substantive review and the city's cost estimate; a reviewer of another department sees only
their queue and is refused the proposal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_kit import REVIEWER_PASSWORD, log_in, new_page, reviewer_login

pytestmark = pytest.mark.platform

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "proposals-svc" / "tests"))
from edition_kit import api, department, full_content, new_edition, submitted, verified_resident  # noqa: E402



def test_formal_and_substantive_verification_each_in_its_own_queue(page, browser, browser_context_args, outside,
                                                                   axe, gateway, official_headers, accounts):
    edition = new_edition(gateway, official_headers, support_required=0)
    author = verified_resident(gateway)
    proposal = submitted(gateway, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Ławki w parku",
                                                          lat=50.27, lon=18.99), "edition_id": edition["id"]})
    api(gateway, "POST", f"/editions/{edition['id']}/phase", official_headers,
        json={"phase": "formal_verification", "reason": "koniec naboru"})
    greenery, roads = department(gateway, official_headers, "ZIELEN"), department(gateway, official_headers, "DROGI")

    # -- the official: the edition's queue, the checklist, the assignment
    log_in(page, accounts["official"][0], f"/urzad/edycje/{edition['id']}/weryfikacja", accounts["official"][1])
    page.get_by_role("link", name="Ławki w parku").click()
    axe.check(page)
    for code in ("complete", "competence"):
        page.locator(f"#items_{code}-yes").check()
    page.locator("#items_cost_limit-no").check()  # failed, but no reason given
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    assert page.locator("#items_cost_limit_note-error").is_visible()
    assert page.locator("#items_cost_limit-no").is_checked()
    page.locator("#items_cost_limit-yes").check()
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    assert page.get_by_text("Ocena formalna zapisana: pozytywna.").is_visible()
    page.get_by_label("Komórka").select_option(greenery)
    page.get_by_role("button", name="Przekaż").click()
    assert page.get_by_text(f"Wniosek przekazany do komórki {greenery}.").is_visible()
    axe.check(page)

    # -- the greenery reviewer: only their queue; the review with the city's estimate
    mine = new_page(browser, browser_context_args, outside)
    log_in(mine, reviewer_login(gateway, official_headers, greenery), "/", REVIEWER_PASSWORD)
    mine.get_by_role("link", name="Kolejka weryfikacji").click()
    assert mine.get_by_role("link", name=f"Wydział ZIELEN ({greenery})").is_visible()
    assert mine.get_by_role("link", name=f"Wydział DROGI ({roads})").count() == 0
    axe.check(mine)
    mine.get_by_role("link", name=f"Wydział ZIELEN ({greenery})").click()
    mine.get_by_role("link", name="Ławki w parku").click()
    mine.get_by_label("Szacunek kosztu miasta (zł)").fill("dużo")
    mine.get_by_role("button", name="Zapisz ocenę merytoryczną").click()
    assert mine.locator("#city_cost_estimate-error").is_visible()
    mine.get_by_label("Szacunek kosztu miasta (zł)").fill("45 000")
    mine.get_by_label("Uzasadnienie").fill("Wykonalne; koszt montażu wyższy niż we wniosku.")
    mine.get_by_role("button", name="Zapisz ocenę merytoryczną").click()
    assert mine.get_by_text("Ocena merytoryczna zapisana.").is_visible()
    assert api(gateway, "GET", f"/proposals/{proposal['id']}").json()["city_cost_estimate"] == 45_000
    axe.check(mine)
    mine.context.close()

    # -- the roads reviewer: their own (empty) queue, refused the greenery queue and the proposal's reviews
    theirs = new_page(browser, browser_context_args, outside)
    log_in(theirs, reviewer_login(gateway, official_headers, roads), "/urzad/komorki", REVIEWER_PASSWORD)
    assert theirs.get_by_role("link", name=f"Wydział ZIELEN ({greenery})").count() == 0
    assert theirs.goto(f"/urzad/komorki/{greenery}").status == 403
    assert theirs.goto(f"/urzad/wnioski/{proposal['id']}").status == 403
    assert theirs.goto(f"/urzad/edycje/{edition['id']}/weryfikacja").status == 403
    theirs.context.close()


def test_the_support_list_is_on_the_formal_form_and_no_reason_to_reject_while_it_grows(
        page, axe, gateway, official_headers, accounts, platform):
    """Issue 27 (4): the support list decided the outcome without being on the form, rejected a proposal while
    the call was still open, and the reasons read "support: …" / "formal — negative"."""
    from site_kit import at_desk_and_phone, mails_to

    edition = new_edition(gateway, official_headers, support_required=2)
    author = verified_resident(gateway)
    submitted(gateway, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Kosze w parku", lat=50.27,
                                                lon=18.99), "edition_id": edition["id"]})
    # the office home says what waits, and where (issue 27, point 9)
    log_in(page, accounts["official"][0], "/urzad/", accounts["official"][1])
    name = api(gateway, "GET", f"/editions/{edition['id']}").json()["name"]
    waiting = page.locator(".waiting li").filter(has_text=name)
    assert waiting.inner_text() == f"1 wniosek do oceny formalnej — {name}"
    at_desk_and_phone(page, axe, "office-home")
    waiting.get_by_role("link").click()
    page.get_by_role("link", name="Kosze w parku").click()
    support = page.locator("#support")
    assert "Podpisy: 0 z wymaganych 2." in support.inner_text() and "zbieranie podpisów trwa" in support.inner_text()
    for code in ("complete", "competence", "cost_limit"):
        page.locator(f"#items_{code}-yes").check()
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    assert page.locator("#support-error").inner_text().endswith("0 z 2 podpisów; zbieranie trwa.")
    at_desk_and_phone(page, axe, "formal-support")
    page.locator("#items_competence-no").check()
    page.locator("#items_competence_note").fill("Teren nie należy do miasta.")
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    assert page.get_by_text("Ocena formalna zapisana: negatywna; wnioskodawca dostaje powody.").is_visible()
    reviews = page.locator("#reviews-heading + ul").inner_text()
    assert reviews.startswith("Ocena formalna: negatywna — ") and "Teren nie należy do miasta." in reviews
    assert "competence" not in reviews and "negative" not in reviews and "Lista poparcia" not in reviews
    # the applicant is told, with the reason by its label and the appeal deadline
    from glos_testing import wait_until
    told = wait_until(lambda: [m for m in mails_to(platform.mail_dir, author.email) if "ocena formalna" in m["Subject"]],
                      timeout=30, message="the mail about the formal assessment")
    body = told[0].get_content()
    assert ": Teren nie należy do miasta." in body and "Możesz się odwołać do " in body
