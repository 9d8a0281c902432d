"""The office console's admin pages: roles granted with a scope and revoked (an unknown account named by its
field), and a census upload followed on its progress page (queued behind the census lock, then done without a
reload) to its report of rejected rows."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from glos_testing import make_pesel, new_resident

from site_kit import log_in

pytestmark = pytest.mark.platform



def test_roles_with_scopes_and_a_census_upload(page, axe, gateway, official_headers, accounts, tmp_path):
    person = new_resident(gateway)
    log_in(page, accounts["official"][0], "/urzad/", accounts["official"][1])
    page.get_by_role("link", name="Role pracowników").click()
    axe.check(page)
    page.get_by_label("E-mail konta (lub identyfikator)").fill("nikogo-takiego@glos.local")
    page.get_by_label("Rola").select_option("department_reviewer")
    page.get_by_label("Uzasadnienie").fill("nowy pracownik wydziału")
    page.get_by_role("button", name="Nadaj rolę").click()
    assert page.locator("#account_id-error").inner_text().endswith("Nie ma konta o takim adresie e-mail.")
    page.get_by_label("E-mail konta (lub identyfikator)").fill(str(uuid.uuid4()))
    page.get_by_role("button", name="Nadaj rolę").click()
    assert page.locator("#account_id-error").is_visible()
    # staff are named by their e-mail, and shown by name and e-mail — not as a UUID (issue 27, point 8)
    page.get_by_label("E-mail konta (lub identyfikator)").fill(person.email)
    page.get_by_label("Zakres (np. wydział dla weryfikatora)").fill("WUA")
    page.get_by_role("button", name="Nadaj rolę").click()
    assert page.get_by_text("Nadano rolę.").is_visible()
    row = page.locator(f"#staff-{person.account_id}")
    assert "weryfikator w wydziale" in row.inner_text() and "WUA" in row.inner_text()
    assert person.email in row.inner_text() and person.account_id not in row.inner_text()
    axe.check(page)
    # the audit log names staff the same way
    page.goto(f"/urzad/rejestr?actor={accounts['official'][0]}&service=identity")
    assert page.locator("table.data tbody tr").first.locator("td").nth(2).inner_text().endswith(
        f"({accounts['official'][0]})")
    page.goto("/urzad/role")
    page.get_by_label("E-mail konta (lub identyfikator)").fill(person.account_id)
    page.get_by_label("Rola").select_option("department_reviewer")
    page.get_by_label("Uzasadnienie").fill("zmiana stanowiska")
    page.get_by_role("button", name="Odbierz rolę").click()
    assert page.get_by_text("Odebrano rolę.").is_visible()
    assert page.locator(f"#staff-{person.account_id}").count() == 0
    audit = requests.get(f"{gateway}/api/identity/audit", headers=official_headers, timeout=10,
                         params={"target": person.account_id, "action": "role."}).json()["entries"]
    assert [(e["action"], e["reason"]) for e in audit] == [("role.revoked", "zmiana stanowiska"),
                                                           ("role.granted", "nowy pracownik wydziału")]

    page.goto("/urzad/")
    page.get_by_role("link", name="Rejestry mieszkańców i ulic").click()
    census = tmp_path / "spis.csv"
    good = [make_pesel(1970 + n, 5, 10, uuid.uuid4().int % 10000) for n in range(2)]
    census.write_text("pesel;first_name;last_name;district\n" + "".join(f"{p};Jan;Kowalski;Dąb\n" for p in good) +
                      "12345;Zły;Numer;Dąb\n", encoding="utf-8")
    page.get_by_label("Plik CSV (UTF-8, do 60 MB)").set_input_files(str(census))
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("rejestr wyborców na 2027")
    # the census lock held (as by an import from the CLI): the upload waits queued, its bar at nought
    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"], poolclass=NullPool)
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x63656E73})  # identity-svc's census lock
        page.get_by_role("button", name="Wczytaj").click()
        page.get_by_role("heading", name="Wczytywanie rejestru mieszkańców").wait_for()
        assert page.get_by_role("status").inner_text().startswith("Stan: w kolejce. Przetworzono 0 z 3 wierszy")
        bar = page.get_by_role("progressbar", name="Wczytane wiersze")
        assert (bar.get_attribute("max"), bar.get_attribute("value")) == ("3", "0")
        assert page.get_by_role("link", name="Odśwież stan").is_hidden()  # the script follows it instead
        axe.check(page)
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x63656E73})
    # the page's script sees the import finish and shows the report, with no reload by the test
    page.get_by_text("Przyjęte wiersze: 2; odrzucone: 1").wait_for(timeout=30_000)
    assert page.get_by_role("status").inner_text() == "Stan: zakończone. Przetworzono 3 z 3 wierszy (100%)."
    rejected = page.get_by_role("table", name="Odrzucone wiersze")
    assert rejected.get_by_role("row").count() == 2
    assert rejected.get_by_role("row").nth(1).inner_text().split("\t") == ["4", "nieprawidłowy PESEL"]
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz wszystkie odrzucone wiersze (CSV)").click()
    assert Path(download.value.path()).read_text(encoding="utf-8-sig") == "wiersz;powód\n4;nieprawidłowy PESEL\n"
    page.get_by_role("link", name="Rejestry mieszkańców i ulic").click()
    listed = page.locator("#census-imports").get_by_role("row").nth(1)
    assert "zakończone" in listed.inner_text() and "rejestr wyborców na 2027" in listed.inner_text()
    axe.check(page)


def test_an_edition_set_up_from_creation_to_a_frozen_ballot(page, axe, gateway, accounts, tmp_path):
    import hashlib

    from site_kit import DATA

    log_in(page, accounts["official"][0], "/urzad/", accounts["official"][1])
    page.get_by_role("link", name="Nowa edycja").click()
    page.get_by_label("Nazwa edycji").fill(f"BO Kalisz {uuid.uuid4().hex[:6]}")
    page.get_by_label("Miasto").fill("Kalisz")
    page.get_by_label("Rok").fill("dwa tysiące")
    page.get_by_role("button", name="Utwórz edycję").click()
    assert page.locator("#year-error").is_visible()
    axe.check(page)
    page.get_by_label("Rok").fill("2028")
    page.get_by_role("button", name="Utwórz edycję").click()
    assert page.get_by_text("Edycja utworzona.").is_visible()
    eid = page.url.split("/")[-2]

    # areas: one imported from Pabulib, one typed (an error by its field first)
    page.get_by_label("Plik .pb").set_input_files(str(DATA / "Poland_Katowice_2020_Dab.pb"))
    page.get_by_role("button", name="Importuj").click()
    assert page.get_by_text("Zaimportowano obszar Dąb z pliku Pabulib.").is_visible()
    # a file that does not say whether its `subunit` is a district asks, by the kind's field (issue 27, point 6)
    bare = tmp_path / "zaleze.pb"
    bare.write_text("META\nkey;value\nunit;Katowice\nsubunit;Załęże\nbudget;500000\nPROJECTS\n"
                    "project_id;cost;name\nZ/1;90000;Skwer przy szkole\nVOTES\nvoter_id;vote\n", encoding="utf-8")
    page.get_by_label("Plik .pb").set_input_files(str(bare))
    page.get_by_role("button", name="Importuj").click()
    assert page.locator("#pabulib_kind-error").inner_text().endswith("Wybierz rodzaj obszaru.")
    page.get_by_label("Plik .pb").set_input_files(str(bare))
    page.get_by_label("Gdy plik nie podaje rodzaju obszaru").select_option("district")
    page.get_by_role("button", name="Importuj").click()
    assert page.get_by_text("Zaimportowano obszar Załęże z pliku Pabulib.").is_visible()
    page.get_by_label("Nazwa obszaru").fill("Cały Kalisz")
    page.get_by_label("Rodzaj obszaru").select_option("city")
    page.get_by_label("Pula (zł)").fill("milion")
    page.get_by_role("button", name="Dodaj obszar").click()
    assert page.locator("#area_budget-error").is_visible()
    page.get_by_label("Pula (zł)").fill("1000000")
    page.get_by_role("button", name="Dodaj obszar").click()
    assert page.get_by_text("Obszar dodany.").is_visible()
    assert page.get_by_role("row", name="Cały Kalisz").is_visible()
    axe.check(page)

    # rules: points without how many is refused by its field; a preview in words; saved; frozen
    # the schedule, in Warsaw time: a voting phase ending before it starts is refused by that field
    page.get_by_label("składanie wniosków: początek").fill("2030-03-01T08:00")
    page.get_by_label("składanie wniosków: koniec").fill("2030-03-31T16:00")
    page.get_by_label("głosowanie: początek").fill("2030-09-01T08:00")
    page.get_by_label("głosowanie: koniec").fill("2030-08-01T20:00")
    page.get_by_label("Uzasadnienie harmonogramu (np. zarządzenie)").fill("zarządzenie prezydenta")
    page.get_by_role("button", name="Zapisz harmonogram").click()
    assert page.locator("#schedule_voting_ends_at-error").is_visible()
    assert page.get_by_label("głosowanie: koniec").input_value() == "2030-08-01T20:00"
    axe.check(page)
    page.get_by_label("głosowanie: koniec").fill("2030-09-15T20:00")
    page.get_by_role("button", name="Zapisz harmonogram").click()
    assert page.get_by_text("Harmonogram zapisany.").is_visible()
    planned = {p["phase"]: p for p in requests.get(f"{gateway}/api/proposals/editions/{eid}/schedule",
                                                   timeout=10).json()["phases"]}
    assert datetime.fromisoformat(planned["submission"]["starts_at"]) == datetime(2030, 3, 1, 7, tzinfo=UTC)  # CET
    assert datetime.fromisoformat(planned["voting"]["ends_at"]) == datetime(2030, 9, 15, 18, tzinfo=UTC)  # CEST
    assert page.get_by_label("głosowanie: początek").input_value() == "2030-09-01T08:00"
    page.locator("#city_type").select_option("cumulative")
    page.locator("#city_max").fill("3")
    page.locator("#district_max").fill("5")
    page.get_by_label("Ziarno losowania (zachowaj je; wpiszesz je przy publikacji wyników)").fill("kaliskie-ziarno")
    page.get_by_label("Dzień głosowania (do liczenia wieku)").fill("2028-09-20")
    page.get_by_role("button", name="Zapisz zasady").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#city_points-error").is_visible()  # by its field, never "details in errors"
    assert "errors" not in page.locator("#error-summary").inner_text()
    page.locator("#city_points").fill("3")
    # the preview of "within the pool" with no maximum was a 500; it is an error by that field (issue 27, 5)
    page.locator("#district_type").select_option("budget_approval")
    page.locator("#district_max").fill("")
    page.get_by_role("button", name="Podgląd").click()
    assert page.locator("#district_max-error").is_visible()
    page.locator("#district_type").select_option("approval")
    page.locator("#district_max").fill("5")
    page.get_by_label("Ziarno losowania (zachowaj je; wpiszesz je przy publikacji wyników)").fill("kaliskie-ziarno")
    page.get_by_role("button", name="Podgląd").click()
    preview = page.locator("#rules-preview")
    assert "Rozdziel do 3 punktów między 1–3 projektów." in preview.inner_text()
    assert hashlib.sha256(b"kaliskie-ziarno").hexdigest() in preview.inner_text()
    axe.check(page)
    page.get_by_label("Ziarno losowania (zachowaj je; wpiszesz je przy publikacji wyników)").fill("kaliskie-ziarno")
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("zarządzenie prezydenta")
    page.get_by_role("button", name="Zapisz zasady").click()
    assert page.get_by_text("Zasady głosowania zapisane.").is_visible()
    # voting cannot start before the ballot is frozen; the page says so by the phase and links to freezing
    page.get_by_label("Nowy etap").select_option("voting")
    page.get_by_label("Uzasadnienie zmiany etapu").fill("harmonogram")
    page.get_by_role("button", name="Zmień etap").click()
    assert page.locator("#phase_phase-error").inner_text().endswith("Najpierw zamroź kartę do głosowania.")
    page.locator("#phase").get_by_role("link", name="Zamroź kartę do głosowania").click()
    page.get_by_label("Uzasadnienie zamrożenia").fill("start głosowania")
    page.get_by_role("button", name="Zamroź kartę do głosowania").click()
    assert page.get_by_text("Karta do głosowania zamrożona").is_visible()
    frozen = requests.get(f"{gateway}/api/proposals/editions/{eid}/voting-rules", timeout=10).json()
    assert page.locator("#rules-sha256").inner_text() == frozen["rules_sha256"]
    assert frozen["voting_rules"]["selection"]["draw_seed_sha256"] == hashlib.sha256(b"kaliskie-ziarno").hexdigest()
    page.get_by_label("Nowy etap").select_option("voting")
    page.get_by_label("Uzasadnienie zmiany etapu").fill("harmonogram")
    page.get_by_role("button", name="Zmień etap").click()
    assert page.get_by_text("Etap zmieniony.").is_visible()
    axe.check(page)
