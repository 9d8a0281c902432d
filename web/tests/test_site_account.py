"""The account in the browser: register → the confirmation mail → confirm → log in → residency declaration
(a wrong PESEL named in Polish by its field, what was typed kept) → my data → password reset by e-mail →
account deletion. axe-core checks every page."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from site_kit import log_in, wait_for_link
from glos_testing import make_pesel

pytestmark = pytest.mark.platform

PASSWORD = "Spacer-nad-Rawą-2027"
NEW_PASSWORD = "Tramwaj-do-Ligoty-2028"


def test_register_confirm_declare_residency_reset_password_and_delete(page, axe, platform, gateway):
    address = f"strona-{uuid.uuid4().hex[:10]}@glos.local"
    page.goto("/konto/rejestracja")
    axe.check(page)
    page.get_by_label("Imię lub nazwa").fill("Ala Testowa")
    page.get_by_label("Adres e-mail").fill(address)
    page.get_by_label("Hasło").fill("haslo123")  # on the common-passwords list
    page.get_by_role("button", name="Załóż konto").click()
    assert page.locator("#password-error").inner_text().endswith("To hasło jest zbyt popularne lub łatwe do odgadnięcia.")
    assert page.get_by_label("Adres e-mail").input_value() == address
    assert page.get_by_label("Imię lub nazwa").input_value() == "Ala Testowa"
    axe.check(page)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Załóż konto").click()
    assert page.get_by_role("heading", name="Sprawdź skrzynkę e-mail").is_visible()
    axe.check(page)

    link = wait_for_link(platform.mail_dir, address, r"http://\S+/konto/potwierdz\?token=\S+")
    page.goto(link)
    assert page.get_by_text("Adres e-mail potwierdzony. Możesz się zalogować.").is_visible()
    page.get_by_label("Adres e-mail").fill(address)
    page.get_by_label("Hasło").fill("zle-haslo-zle-haslo")
    page.get_by_role("button", name="Zaloguj się").click()
    assert "Nieprawidłowy e-mail lub hasło." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Adres e-mail").input_value() == address
    axe.check(page)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    assert page.get_by_role("heading", name="Moje konto").is_visible()
    axe.check(page)

    good = make_pesel(1984, 5, 17, uuid.uuid4().int % 10000)
    page.get_by_label("Imię", exact=False).and_(page.locator("#first_name")).fill("Alicja")
    page.get_by_label("Nazwisko").fill("Testowa")
    page.get_by_label("Numer PESEL").fill(good[:-1] + str((int(good[-1]) + 1) % 10))  # a wrong check digit
    page.get_by_label("Adres zamieszkania").fill("ul. Dębowa 7")
    page.get_by_label(re.compile(r"^Osiedle")).select_option("Dąb")  # from the city's list, never typed
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert page.locator("#pesel-error").is_visible()
    assert "PESEL" in page.locator("#pesel-error").inner_text()
    assert page.get_by_label("Imię", exact=False).and_(page.locator("#first_name")).input_value() == "Alicja"
    assert page.get_by_label("Adres zamieszkania").input_value() == "ul. Dębowa 7"
    axe.check(page)
    page.get_by_label("Numer PESEL").fill(good)
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert page.get_by_text("Twoje zamieszkanie zostało potwierdzone.").is_visible()
    assert page.locator("dd", has_text="Dąb").is_visible()
    assert good not in page.content()  # shown masked only
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz wszystkie moje dane (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["email"] == address and data["resident"]["district"] == "Dąb"

    # password reset: the same answer for any address; a link only to the account's owner
    page.get_by_role("button", name="Wyloguj").click()
    page.goto("/konto/nie-pamietam-hasla")
    axe.check(page)
    page.get_by_label("Adres e-mail").fill(f"nikt-{uuid.uuid4().hex[:6]}@glos.local")
    page.get_by_role("button", name="Wyślij link").click()
    unknown_answer = page.locator("main").inner_text().split("@glos.local")[-1]
    page.goto("/konto/nie-pamietam-hasla")
    page.get_by_label("Adres e-mail").fill(address)
    page.get_by_role("button", name="Wyślij link").click()
    assert page.locator("main").inner_text().split("@glos.local")[-1] == unknown_answer
    reset = wait_for_link(platform.mail_dir, address, r"http://\S+/konto/nowe-haslo\?token=\S+", count=2)
    page.goto(reset)
    axe.check(page)
    page.locator("#password").fill(NEW_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Zmień hasło").click()
    assert page.locator("#password_again-error").inner_text().endswith("Hasła się różnią.")
    page.locator("#password").fill(NEW_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Zmień hasło").click()
    assert page.get_by_text("Hasło zmienione. Zaloguj się nowym hasłem.").is_visible()
    page.goto(reset)  # the link works once: the password it was made for has changed
    page.locator("#password").fill(NEW_PASSWORD + "-2")
    page.get_by_label("Powtórz nowe hasło").fill(NEW_PASSWORD + "-2")
    page.get_by_role("button", name="Zmień hasło").click()
    assert "został już użyty" in page.get_by_role("alert").inner_text()
    log_in(page, address, "/konto/", password=NEW_PASSWORD)  # waits out the gateway's login limit, as a person would
    assert page.get_by_role("heading", name="Moje konto").is_visible()

    page.get_by_role("link", name="Usuń konto").click()
    axe.check(page)
    page.get_by_label("Hasło").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Usuń konto na zawsze").click()
    assert page.locator("#confirm-error").is_visible()  # the consequences not acknowledged
    page.get_by_label("Hasło").fill(NEW_PASSWORD)
    page.get_by_label("Rozumiem, że usunięcia konta nie można cofnąć.").check()
    page.get_by_role("button", name="Usuń konto na zawsze").click()
    assert page.get_by_text("Konto usunięte.").is_visible()
    assert page.get_by_role("link", name="Zaloguj się").is_visible()


def test_english_pages_say_it_in_english_with_english_numbers(page, axe, gateway, official_headers):
    from site_kit import voting_edition

    edition = voting_edition(gateway, official_headers, "BO język")
    page.goto(f"/edycje/{edition['id']}")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Areas and budgets").is_visible()
    assert "PLN\u00a0403,169" in page.locator("main").inner_text()
    axe.check(page)
    page.get_by_role("link", name="polski").click()
    assert page.get_by_role("heading", name="Obszary i pule").is_visible()
    assert re.search(r"403\u00a0169\u00a0zł", page.locator("main").inner_text())
