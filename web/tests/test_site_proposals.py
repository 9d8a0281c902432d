"""Proposing in the browser: a draft with the field errors in place (in Polish, what was typed kept),
completed and submitted; a second resident supports it through the shared link."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from glos_testing import new_resident
from site_kit import formal_verification, log_in, proposals_edition, submitted_proposal

pytestmark = pytest.mark.platform



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
    page.get_by_label("Obszar").select_option(label="Dąb — limit 200\u00a0000\u00a0zł")
    page.get_by_label("Kategoria").select_option("zieleń")
    page.get_by_label("Opis projektu").fill("Posadzimy 20 drzew i krzewy wzdłuż ogrodzenia szkoły, z ławkami w cieniu.")
    page.get_by_label("Uzasadnienie").fill("Dzieci czekają na autobus w pełnym słońcu.")
    page.get_by_label("Kto skorzysta").fill("Uczniowie i sąsiedzi.")
    page.get_by_label("Dostępność (projektowanie uniwersalne)").fill("Ścieżki bez progów, ławki z oparciami.")
    page.get_by_label("Adres").fill("ul. Szkolna 1, Katowice")
    page.get_by_label("Szerokość geograficzna").fill("50.27410")
    page.get_by_label("Długość geograficzna").fill("19.00350")
    page.get_by_role("button", name="Zapisz szkic").click()
    assert page.get_by_text("Szkic zapisany.").is_visible()
    # a file that only says it is a PNG is refused, and the page says why (issue 24, point 4) …
    page.get_by_label("Plik (PDF, JPEG lub PNG, do 5 MB)").set_input_files(
        files=[{"name": "szkic.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}])
    page.get_by_role("button", name="Dołącz plik").click()
    assert page.get_by_text("Nie dołączono pliku szkic.png: Nie da się odczytać pliku jako obrazu PNG.").is_visible()
    # … a real one is attached
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 60)).save(picture, "PNG")
    page.get_by_label("Plik (PDF, JPEG lub PNG, do 5 MB)").set_input_files(
        files=[{"name": "szkic.png", "mimeType": "image/png", "buffer": picture.getvalue()}])
    page.get_by_role("button", name="Dołącz plik").click()
    assert page.get_by_text("Dołączono plik szkic.png.").is_visible()
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.get_by_text("Wniosek złożony. Dziękujemy!").is_visible()
    assert page.locator("dd", has_text="złożony").is_visible()
    share = page.url
    # the project's page (issue 23, point 3): the photo itself, the place on a small map with its address
    photo = page.get_by_role("img", name="Zdjęcie 1 z 1 do projektu: Zielony skwer przy szkole")
    photo.scroll_into_view_if_needed()  # a lazy image loads when it is near the screen; then its width is read
    loaded = "img => img.complete && img.naturalWidth ? img.naturalWidth : " \
             "new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))"
    assert photo.evaluate(loaded) == 64  # re-encoded, still the picture
    assert page.locator("#project-map .leaflet-marker-icon").count() == 1
    assert page.locator("#map-projects").inner_text().startswith("ul. Szkolna 1, Katowice")
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


def test_the_applicant_answers_a_change_request_and_appeals_a_rejection(page, axe, browser, browser_context_args,
                                                                         gateway, official_headers):
    import requests

    edition = proposals_edition(gateway, official_headers)
    author = new_resident(gateway, "Dąb")
    changed = submitted_proposal(gateway, edition, author, "Drzewa na ulicy Dębowej")
    rejected = submitted_proposal(gateway, edition, author, "Skwer na działce kolejowej")
    formal_verification(gateway, official_headers, changed, passed=True)
    formal_verification(gateway, official_headers, rejected, passed=False)
    r = requests.post(f"{gateway}/api/proposals/proposals/{changed['id']}/change-requests", headers=official_headers,
                      timeout=10, json={"changes": {"cost_items": [{"name": "Drzewa (15 szt.)", "amount": 60_000}]},
                                        "reason": "Koszt według cennika miasta."})
    assert r.status_code == 201, r.text

    log_in(page, author.email, f"/edycje/{edition['id']}/wnioski/")
    page.get_by_role("link", name="Drzewa na ulicy Dębowej").click()
    assert page.get_by_text("Koszt według cennika miasta.").is_visible()
    axe.check(page)
    page.get_by_role("button", name="Wyślij odpowiedź").click()  # no choice made
    assert page.get_by_text("Wybierz, czy przyjmujesz zmianę.").is_visible()
    page.get_by_label("Tak, przyjmuję").check()
    page.get_by_label("Uwagi (nieobowiązkowe)").fill("Zgoda.")
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    assert page.get_by_text("Odpowiedź zapisana.").is_visible()
    assert page.get_by_text("przyjęta — Zgoda.").is_visible()
    assert page.locator("dd", has_text="60\u00a0000\u00a0zł").is_visible()

    page.goto(f"/edycje/{edition['id']}/wnioski/")
    page.get_by_role("link", name="Skwer na działce kolejowej").click()
    assert page.get_by_text("Teren nie należy do miasta.").is_visible()
    page.get_by_label("Treść odwołania").fill("Za mało")
    page.get_by_role("button", name="Złóż odwołanie").click()
    assert page.locator("#statement-error").is_visible()
    assert page.get_by_label("Treść odwołania").input_value() == "Za mało"
    axe.check(page)
    page.get_by_label("Treść odwołania").fill("Działka jest miejska od 2019 r.; załączam wypis z rejestru gruntów.")
    page.get_by_role("button", name="Złóż odwołanie").click()
    assert page.get_by_text("Odwołanie złożone. Urząd rozpatrzy je w terminie.").is_visible()
    assert page.locator("dd", has_text="odwołanie w toku").is_visible()
    axe.check(page)
