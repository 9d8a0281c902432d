"""Proposing in the browser: a draft with the field errors in place (in Polish, what was typed kept),
completed and submitted; a second resident supports it through the shared link."""

from __future__ import annotations

import pytest

from glos_testing import new_resident
from site_kit import PASSWORD, proposals_edition

pytestmark = pytest.mark.platform


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/konto/logowanie?next={next_path}")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()


def test_a_proposal_from_draft_to_submission_and_support(page, axe, browser, browser_context_args, gateway,
                                                         official_headers):
    edition = proposals_edition(gateway, official_headers)
    author = new_resident(gateway, "Dąb")
    log_in(page, author.email, f"/edycje/{edition['id']}/wnioski/nowy")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Zgłoś projekt")
    axe.check(page)
    page.get_by_label("Tytuł projektu").fill("Zielony skwer przy szkole")
    page.get_by_label("Opis projektu").fill("Za krótki opis.")
    page.get_by_label("Pozycja 1", exact=True).fill("Nasadzenia drzew")
    page.get_by_label("Kwota pozycji 1 (zł)").fill("sto tysięcy")
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.locator("#cost_items_0_amount-error").inner_text().endswith("Podaj kwotę w pełnych złotych, np. 60000.")
    assert page.get_by_label("Tytuł projektu").input_value() == "Zielony skwer przy szkole"
    assert page.get_by_label("Kwota pozycji 1 (zł)").input_value() == "sto tysięcy"
    axe.check(page)
    page.get_by_label("Kwota pozycji 1 (zł)").fill("120000")
    page.get_by_role("button", name="Złóż wniosek").click()  # saved as a draft; the submission names what is missing
    assert page.locator("#description-error").inner_text().endswith("Opisz projekt (co najmniej 50 znaków).")
    assert page.locator("#area_id-error").is_visible()
    assert page.locator("#category-error").is_visible()
    assert page.get_by_label("Opis projektu").input_value() == "Za krótki opis."
    axe.check(page)
    page.get_by_label("Obszar").select_option(label=f"Dąb — limit 200\u00a0000\u00a0zł")
    page.get_by_label("Kategoria").select_option("zieleń")
    page.get_by_label("Opis projektu").fill("Posadzimy 20 drzew i krzewy wzdłuż ogrodzenia szkoły, z ławkami w cieniu.")
    page.get_by_label("Uzasadnienie").fill("Dzieci czekają na autobus w pełnym słońcu.")
    page.get_by_label("Kto skorzysta").fill("Uczniowie i sąsiedzi.")
    page.get_by_label("Dostępność (projektowanie uniwersalne)").fill("Ścieżki bez progów, ławki z oparciami.")
    page.get_by_label("Adres").fill("ul. Szkolna 1, Katowice")
    page.get_by_role("button", name="Zapisz szkic").click()
    assert page.get_by_text("Szkic zapisany.").is_visible()
    page.get_by_label("Plik (PDF, JPEG lub PNG, do 5 MB)").set_input_files(
        files=[{"name": "szkic.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}])
    page.get_by_role("button", name="Dołącz plik").click()
    assert page.get_by_text("Dołączono plik szkic.png.").is_visible()
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.get_by_text("Wniosek złożony. Dziękujemy!").is_visible()
    assert page.locator("dd", has_text="złożony").is_visible()
    share = page.url
    axe.check(page)

    supporter = new_resident(gateway, "Dąb")
    other = browser.new_context(**browser_context_args)
    try:
        second = other.new_page()
        log_in(second, supporter.email, share.replace(gateway, ""))
        second.get_by_role("button", name="Popieram ten projekt").click()
        assert second.get_by_text("Dziękujemy, poparłeś(-aś) ten projekt.").is_visible()
        assert second.get_by_text("Projekt poparła 1 osoba.").is_visible()
        second.get_by_role("button", name="Popieram ten projekt").click()
        assert second.get_by_text("Już popierasz ten wniosek.").is_visible()
    finally:
        other.close()
    page.goto(f"/edycje/{edition['id']}/wnioski/")
    assert page.get_by_role("link", name="Zielony skwer przy szkole").is_visible()
    axe.check(page)
