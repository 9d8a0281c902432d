"""A local initiative (inicjatywa lokalna) on the site: the applicant's own contribution required on the form,
the office scoring it against the city's criteria (a bad score refused by its criterion), terms offered and
refused, new terms accepted on the applicant's status page, so the agreement stands; and the verification
desk verifying a foreigner by their document (the personal fields never shown back)."""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import pytest

from glos_testing import account_id_of, login, seed_account
from site_kit import log_in, new_page

pytestmark = pytest.mark.platform

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "proposals-svc" / "tests"))
from edition_kit import (all_items_pass, api, department, local_initiative_programme, reviewer,  # noqa: E402
                         verified_resident)


def test_a_local_initiative_scored_and_agreed_on_the_site(page, browser, browser_context_args, outside, axe,
                                                         gateway, official_headers, accounts):
    programme, area = local_initiative_programme(gateway, official_headers, "Suwałki")
    applicant = verified_resident(gateway)

    # -- the applicant: without an own contribution the initiative is not submitted
    log_in(page, applicant.email, f"/edycje/{programme['id']}/wnioski/nowy")
    assert page.get_by_role("group", name="Wkład własny wnioskodawców").is_visible()
    page.get_by_label("Tytuł projektu").fill("Łąka kwietna nad Czarną Hańczą")
    page.get_by_label("Obszar").select_option(area["id"])
    page.get_by_label("Opis projektu").fill("Zamienimy trawnik nad rzeką w łąkę kwietną z tablicą o owadach zapylających.")
    page.get_by_label("Uzasadnienie").fill("Owady zapylające znikają z miasta.")
    page.get_by_label("Kto skorzysta").fill("Spacerowicze i szkoły.")
    page.get_by_label("Dostępność (projektowanie uniwersalne)").fill("Ścieżka utwardzona, tablica na wysokości wózka.")
    page.get_by_label("Adres").fill("Bulwary nad Czarną Hańczą, Suwałki")
    page.get_by_label("Pozycja 1", exact=True).fill("Nasiona i sadzonki")
    page.get_by_label("Kwota pozycji 1 (zł)").fill("30000")
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.locator("#contribution-error").is_visible()
    axe.check(page)
    page.get_by_label("Praca").fill("Sadzenie przez 20 mieszkańców w dwie soboty.")
    page.get_by_label("Pieniądze (zł)").fill("dwa tysiące")
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.locator("#contribution_money-error").is_visible()
    assert page.get_by_label("Praca").input_value() == "Sadzenie przez 20 mieszkańców w dwie soboty."
    page.get_by_label("Pieniądze (zł)").fill("2000")
    page.get_by_role("button", name="Złóż wniosek").click()
    assert page.get_by_text("Wniosek złożony. Dziękujemy!").is_visible()
    (mine,) = [p for p in api(gateway, "GET", f"/editions/{programme['id']}/proposals", applicant.headers).json()
               if p["title"] == "Łąka kwietna nad Czarną Hańczą"]
    pid = mine["id"]
    assert (mine["contribution"]["work"], mine["contribution"]["money"]) == (
        "Sadzenie przez 20 mieszkańców w dwie soboty.", 2000)

    # formal and substantive verification (their pages have their own browser tests)
    assert api(gateway, "POST", f"/proposals/{pid}/formal-verification", official_headers,
               json=all_items_pass()).json()["outcome"] == "positive"
    greenery = department(gateway, official_headers, "ZIELEN")
    api(gateway, "POST", f"/proposals/{pid}/assignment", official_headers, json={"department": greenery})
    assert api(gateway, "POST", f"/proposals/{pid}/reviews", reviewer(gateway, official_headers, greenery), json={
        "outcome": "positive", "feasibility": {"ok": True}, "legal": {"ok": True}, "ownership": {"ok": True},
        "city_cost_estimate": 28_000}).status_code == 201

    # -- the office scores it: points above a criterion's maximum refused by that criterion
    office = new_page(browser, browser_context_args, outside)
    log_in(office, accounts["official"][0], f"/urzad/wnioski/{pid}", accounts["official"][1])
    assert "praca: Sadzenie przez 20 mieszkańców" in office.locator("dl").first.inner_text()
    axe.check(office)
    office.locator("#scores_public_benefit_points").fill("11")
    office.locator("#scores_own_contribution_points").fill("8")
    office.locator("#scores_durability_points").fill("4")
    office.get_by_label("Uzasadnienie oceny").fill("Duży wkład mieszkańców, trwały efekt.")
    office.get_by_role("button", name="Zapisz ocenę").click()
    assert office.locator("#scores_public_benefit_points-error").is_visible()
    assert office.locator("#scores_own_contribution_points").input_value() == "8"
    axe.check(office)
    office.locator("#scores_public_benefit_points").fill("9")
    office.get_by_role("button", name="Zapisz ocenę").click()
    assert office.get_by_text("Ocena zapisana: 21 pkt (wymagane 15).").is_visible()

    # -- terms: an end before the start refused by its field; then offered
    office.get_by_label("Wkład miasta (zł)").fill("28000")
    office.get_by_label("Zobowiązania wnioskodawców").fill("Przygotowanie terenu i sadzenie roślin.")
    office.get_by_label("Początek realizacji").fill("2027-04-01")
    office.get_by_label("Koniec realizacji").fill("2027-03-01")
    office.get_by_label("Uzasadnienie (do rejestru zmian)").fill("umowa z wnioskodawcą")
    office.get_by_role("button", name="Zaproponuj warunki").click()
    assert office.locator("#terms_ends_on-error").is_visible()
    office.get_by_label("Koniec realizacji").fill("2027-06-30")
    office.get_by_role("button", name="Zaproponuj warunki").click()
    assert office.get_by_text("Warunki wysłane wnioskodawcy.").is_visible()
    axe.check(office)

    # -- the applicant refuses them on the status page, with a note the office reads
    page.goto(f"/edycje/{programme['id']}/wnioski/{pid}/status")
    assert page.get_by_role("heading", name="Warunki realizacji inicjatywy").is_visible()
    axe.check(page)
    page.get_by_label("Nie, odrzucam").check()
    page.get_by_label("Uwagi (nieobowiązkowe)").fill("Termin zbyt krótki na dwie soboty sadzenia.")
    page.get_by_role("button", name="Wyślij odpowiedź na warunki").click()
    assert page.get_by_text("Warunki odrzucone; urząd może zaproponować nowe.").is_visible()
    office.reload()
    assert office.get_by_text("Odpowiedź wnioskodawcy: „Termin zbyt krótki na dwie soboty sadzenia.”").is_visible()

    # -- new terms, accepted: the agreement stands and its realisation is monitored
    office.get_by_label("Wkład miasta (zł)").fill("28000")
    office.get_by_label("Zobowiązania wnioskodawców").fill("Przygotowanie terenu i sadzenie roślin.")
    office.get_by_label("Początek realizacji").fill("2027-04-01")
    office.get_by_label("Koniec realizacji").fill("2027-08-31")
    office.get_by_label("Uzasadnienie (do rejestru zmian)").fill("umowa po rozmowie z wnioskodawcą")
    office.get_by_role("button", name="Zaproponuj warunki").click()
    assert office.get_by_text("Warunki wysłane wnioskodawcy.").is_visible()
    page.reload()
    page.get_by_label("Tak, przyjmuję").check()
    page.get_by_role("button", name="Wyślij odpowiedź na warunki").click()
    assert page.get_by_text("Warunki przyjęte: umowa uzgodniona.").is_visible()
    assert page.get_by_label("Tak, przyjmuję").count() == 0  # nothing left to answer
    assert api(gateway, "GET", f"/proposals/{pid}").json()["status"] == "agreed"
    axe.check(page)
    office.context.close()


def test_the_desk_verifies_a_foreigner_by_their_document(page, axe, gateway, accounts):
    email = f"cudzoziemka-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-cudzoziemki-123", "resident")
    account_id = account_id_of({"Authorization": f"Bearer {login(gateway, email, 'haslo-cudzoziemki-123')}"})
    log_in(page, accounts["official"][0], "/urzad/mieszkancy/", accounts["official"][1])
    number = f"RC{uuid.uuid4().int % 10**7:07d}"
    page.get_by_label("Konto cudzoziemca: e-mail lub identyfikator").fill(account_id)
    page.get_by_label("Państwo wydania dokumentu (kod, np. UA)").fill("UA")
    page.get_by_label("Rodzaj dokumentu").select_option("residence_card")
    page.get_by_label("Numer dokumentu").fill(number)
    page.get_by_label("Imię").fill("Olena")
    page.get_by_label("Nazwisko").fill("Kowalenko")
    page.get_by_label("Adres zamieszkania w mieście").fill("ul. Noniewicza 3, Suwałki")
    page.get_by_label(re.compile(r"^Osiedle")).select_option("Dąb")
    page.get_by_label("Uzasadnienie weryfikacji cudzoziemca (do rejestru działań)").fill("karta pobytu okazana")
    page.get_by_role("button", name="Zweryfikuj cudzoziemca").click()  # no birth date
    assert page.locator("#birth_date-error").is_visible()
    # what was typed of the person is not sent back into the page; the rest is kept
    assert page.get_by_label("Numer dokumentu").input_value() == "" and page.get_by_label("Imię").input_value() == ""
    assert page.get_by_label(re.compile(r"^Osiedle")).input_value() == "Dąb"
    assert page.get_by_label("Uzasadnienie weryfikacji cudzoziemca (do rejestru działań)").input_value() == (
        "karta pobytu okazana")
    axe.check(page)
    for label, value in (("Numer dokumentu", number), ("Imię", "Olena"), ("Nazwisko", "Kowalenko"),
                         ("Data urodzenia", "1990-02-03"), ("Adres zamieszkania w mieście", "ul. Noniewicza 3, Suwałki")):
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Zweryfikuj cudzoziemca").click()
    assert page.get_by_text("Cudzoziemiec zweryfikowany na podstawie dokumentu (osiedle Dąb).").is_visible()
    assert "Olena" not in page.content() and number not in page.content()
    resident = __import__("requests").get(f"{gateway}/api/identity/me/resident", timeout=10, headers={
        "Authorization": f"Bearer {login(gateway, email, 'haslo-cudzoziemki-123')}"}).json()
    assert (resident["verification_level"], resident["district"]) == ("in_person", "Dąb")
