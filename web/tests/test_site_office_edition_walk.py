"""An official's walk of one edition in the office console, in the browser, from the call for proposals to the
published results: the edition created with its areas, the call opened, formal verification against the
checklist, a department reviewer's substantive review in their own queue, an appeal filed by the applicant
within the deadline the office sees, a conflict within 100 m resolved, the lists published, the rules frozen
(their eligibility handed to identity-svc), a voter refused at the voting point until verified in person at
the desk, paper cards keyed twice by two officials, the voting closed, the results published with the draw
seed and the Merkle root, and the winners' implementation reported by their department.

Residents' own steps (drafting and submitting proposals) go through the API: the residents' site has its own
tests; everything the office does goes through the site."""

from __future__ import annotations

import hashlib
import re
import sys
import uuid
from pathlib import Path

import pytest
import requests

from glos_testing import new_resident, seed_account, wait_until

from site_kit import PASSWORD, REVIEWER_PASSWORD, log_in, new_page, reviewer_login

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "proposals-svc" / "tests"))
from edition_kit import api, department, full_content, submitted, verified_resident  # noqa: E402

pytestmark = pytest.mark.platform

SEED = "suwalskie-ziarno-2027"
SECOND_OFFICIAL_PASSWORD = "haslo-drugiego-urzednika-123"


def set_phase(page, eid: str, phase: str, reason: str) -> None:
    page.goto(f"/urzad/edycje/{eid}/ustawienia")
    page.get_by_label("Nowy etap").select_option(phase)
    page.get_by_label("Uzasadnienie zmiany etapu").fill(reason)
    page.get_by_role("button", name="Zmień etap").click()
    assert page.get_by_text("Etap zmieniony.").is_visible()


def formal_verification(page, pid: str, failed: str | None = None) -> None:
    page.goto(f"/urzad/wnioski/{pid}")
    for code in ("complete", "competence", "cost_limit"):
        page.locator(f"#items_{code}-{'no' if code == failed else 'yes'}").check()
    if failed:
        page.locator(f"#items_{failed}_note").fill("Teren należy do Skarbu Państwa.")
    page.get_by_role("button", name="Zapisz ocenę formalną").click()


def key_card(page, eid: str, number: str, boxes: list[str]) -> None:
    page.goto(f"/urzad/edycje/{eid}/karty/{number}")
    for box in boxes:
        page.locator(f"#key-{box}").check()
    page.get_by_role("button", name="Zapisz wprowadzenie").click()


def test_an_official_walks_one_edition_from_call_for_proposals_to_published_results(
        page, browser, browser_context_args, outside, axe, gateway, official_headers, accounts):
    # -- the edition and its areas, created in the console
    log_in(page, accounts["official"][0], "/urzad/", accounts["official"][1])
    page.get_by_role("link", name="Nowa edycja").click()
    name = f"BO Suwałki {uuid.uuid4().hex[:6]}"
    page.get_by_label("Nazwa edycji").fill(name)
    page.get_by_label("Miasto").fill("Suwałki")
    page.get_by_label("Rok").fill("2027")
    page.get_by_role("button", name="Utwórz edycję").click()
    assert page.get_by_text("Edycja utworzona.").is_visible()
    eid = page.url.split("/")[-2]
    # a district area is named as one of the city's districts (residents vote in theirs): "Dab" is not one
    page.get_by_label("Nazwa obszaru").fill("Dab")
    page.get_by_label("Rodzaj obszaru").select_option("district")
    page.get_by_label("Pula (zł)").fill("60000")
    page.get_by_role("button", name="Dodaj obszar").click()
    assert "z listy osiedli miasta" in page.locator("#area_name-error").inner_text()
    assert api(gateway, "GET", f"/editions/{eid}/areas").json() == []
    for area_name, kind, budget in (("Całe Suwałki", "city", "150000"), ("Dąb", "district", "60000")):
        page.get_by_label("Nazwa obszaru").fill(area_name)
        page.get_by_label("Rodzaj obszaru").select_option(kind)
        page.get_by_label("Pula (zł)").fill(budget)
        page.get_by_role("button", name="Dodaj obszar").click()
        assert page.get_by_text("Obszar dodany.").is_visible()
    set_phase(page, eid, "submission", "zarządzenie prezydenta: nabór wniosków")

    # -- residents submit (three city-wide, two of them ~40 m apart; one for Dąb)
    areas = {a["name"]: a["id"] for a in api(gateway, "GET", f"/editions/{eid}/areas").json()}
    anna, bartek, celina = (verified_resident(gateway) for _ in range(3))
    benches = submitted(gateway, anna, {**full_content(areas["Całe Suwałki"], title="Ławki nad Czarną Hańczą",
                                                       lat=54.1000, lon=22.9300), "edition_id": eid})["id"]
    gym = submitted(gateway, bartek, {**full_content(areas["Całe Suwałki"], title="Siłownia nad Czarną Hańczą",
                                                     lat=54.1003, lon=22.9303), "edition_id": eid})["id"]
    fountain = submitted(gateway, celina, {**full_content(areas["Całe Suwałki"], title="Fontanna na rynku",
                                                          lat=54.1100, lon=22.9400), "edition_id": eid})["id"]
    flowers = submitted(gateway, anna, {**full_content(areas["Dąb"], title="Kwiaty na Dębie", lat=54.0900,
                                                       lon=22.9500, items=(("Sadzonki", 15_000),)),
                                        "edition_id": eid})["id"]
    set_phase(page, eid, "formal_verification", "koniec naboru")

    # -- formal verification from the edition's queue; the fountain fails one item
    page.goto("/urzad/")
    page.get_by_role("link", name=re.compile(rf"^weryfikacja\s*: {name}$")).click()
    assert page.get_by_role("link", name="Ławki nad Czarną Hańczą").is_visible()
    axe.check(page)
    for pid in (benches, gym, flowers):
        formal_verification(page, pid)
        assert page.get_by_text("Ocena formalna zapisana: pozytywna.").is_visible()
    formal_verification(page, fountain, failed="competence")
    assert page.get_by_text("Ocena formalna zapisana: negatywna; wnioskodawca dostaje powody.").is_visible()
    assert page.locator("#appeal-deadline").is_visible()  # the applicant's deadline, on the office's page too

    # -- assignment to a department; its reviewer reviews from their own queue
    greenery = department(gateway, official_headers, "ZIELEN")
    for pid in (benches, gym, flowers):
        page.goto(f"/urzad/wnioski/{pid}")
        page.get_by_label("Komórka").select_option(greenery)
        page.get_by_role("button", name="Przekaż").click()
        assert page.get_by_text(f"Wniosek przekazany do komórki {greenery}.").is_visible()
    reviewer_email = reviewer_login(gateway, official_headers, greenery)
    reviewer = new_page(browser, browser_context_args, outside)
    log_in(reviewer, reviewer_email, f"/urzad/komorki/{greenery}", REVIEWER_PASSWORD)
    queue = reviewer.get_by_role("table")
    assert {"Ławki nad Czarną Hańczą", "Siłownia nad Czarną Hańczą", "Kwiaty na Dębie"} <= set(
        queue.get_by_role("rowheader").all_inner_texts())
    assert queue.get_by_role("link", name="Fontanna na rynku").count() == 0
    for title, estimate in (("Ławki nad Czarną Hańczą", "42 000"), ("Siłownia nad Czarną Hańczą", "40 000"),
                            ("Kwiaty na Dębie", "15 000")):
        reviewer.goto(f"/urzad/komorki/{greenery}")
        reviewer.get_by_role("link", name=title).click()
        reviewer.get_by_label("Szacunek kosztu miasta (zł)").fill(estimate)
        reviewer.get_by_label("Uzasadnienie").fill("Wykonalne na działce gminnej.")
        reviewer.get_by_role("button", name="Zapisz ocenę merytoryczną").click()
        assert reviewer.get_by_text("Ocena merytoryczna zapisana.").is_visible()

    # -- the rejected applicant sees the deadline and appeals on the site; the office sees it and dismisses it
    page.goto(f"/urzad/edycje/{eid}/odwolania")
    row = page.locator("#appeal-deadlines").get_by_role("row", name="Fontanna na rynku")
    assert row.inner_text().rstrip().endswith("trwa")
    applicant = new_page(browser, browser_context_args, outside)
    log_in(applicant, celina.email, f"/edycje/{eid}/wnioski/{fountain}/status", PASSWORD)
    assert applicant.locator("#appeal-deadline").inner_text().startswith("Odwołanie możesz złożyć do ")
    applicant.get_by_label("Treść odwołania").fill("Działka przy rynku jest gminna — wypis z rejestru gruntów w załączniku.")
    applicant.get_by_role("button", name="Złóż odwołanie").click()
    assert applicant.get_by_text("Odwołanie złożone.").is_visible()
    applicant.context.close()
    page.goto(f"/urzad/edycje/{eid}/odwolania")
    (appeal,) = api(gateway, "GET", f"/proposals/{fountain}/appeals", official_headers).json()
    page.locator(f"#upheld-{appeal['id']}-no").check()
    page.get_by_label("Uzasadnienie (wnioskodawca je otrzyma)").fill("Wypis wskazuje Skarb Państwa jako właściciela.")
    page.get_by_role("button", name="Zapisz decyzję").click()
    assert page.get_by_text("Odwołanie oddalone.").is_visible()
    axe.check(page)

    # -- the conflict between the benches and the gym, then the lists
    page.goto(f"/urzad/edycje/{eid}/konflikty")
    page.get_by_role("button", name="Sprawdź odległości między lokalizacjami").click()
    assert page.get_by_text("Sprawdzono odległości: 1 nowy konflikt.").is_visible()
    page.get_by_label("Rozstrzygnięcie (widoczne w rejestrze zmian)").fill(
        "Ławki i siłownia stoją po dwóch stronach ścieżki; nie kolidują.")
    page.get_by_role("button", name="Rozstrzygnij").click()
    assert page.get_by_text("Konflikt rozstrzygnięty.").is_visible()
    page.goto(f"/urzad/edycje/{eid}/listy")
    page.get_by_label("Uzasadnienie publikacji (do rejestru zmian)").fill("listy po weryfikacji i odwołaniach")
    page.get_by_role("button", name="Opublikuj listy").click()
    assert page.get_by_text("Listy opublikowane.").is_visible()
    lists = {a["name"]: a for a in api(gateway, "GET", f"/editions/{eid}/lists").json()["lists"]["areas"]}
    assert {p["proposal_id"] for p in lists["Całe Suwałki"]["qualified"]} == {benches, gym}
    assert [p["proposal_id"] for p in lists["Całe Suwałki"]["rejected"]] == [fountain]

    # -- the rules (only the register's residents may vote), frozen; voting opens
    page.goto(f"/urzad/edycje/{eid}/ustawienia")
    page.locator("#city_type").select_option("approval")
    page.locator("#city_max").fill("2")
    page.locator("#district_max").fill("1")
    page.get_by_label("Ziarno losowania (zachowaj je; wpiszesz je przy publikacji wyników)").fill(SEED)
    page.get_by_label("Dzień głosowania (do liczenia wieku)").fill("2027-06-20")
    page.get_by_label("Potwierdzenie zamieszkania").select_option("census")
    # issue 26 (4): an outage longer than 20 minutes extends voting by itself, as the frozen rules say
    page.get_by_label("Przedłuż głosowanie samoczynnie o czas przerwy w działaniu systemu dłuższej niż (minuty)").fill("20")
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("uchwała Rady Miejskiej")
    page.get_by_role("button", name="Zapisz zasady").click()
    assert page.get_by_text("Zasady głosowania zapisane.").is_visible()
    assert requests.get(f"{gateway}/api/proposals/editions/{eid}/voting-rules", timeout=10).json()[
        "voting_rules"]["outage_extension_after_minutes"] == 20
    page.get_by_label("Uzasadnienie zamrożenia").fill("start głosowania")
    page.get_by_role("button", name="Zamroź kartę do głosowania").click()
    assert page.get_by_text("Karta do głosowania zamrożona").is_visible()
    set_phase(page, eid, "voting", "harmonogram: głosowanie")
    ballot = wait_until(lambda: (r := requests.get(f"{gateway}/api/voting/editions/{eid}/ballot", timeout=10))
                        .status_code == 200 and r.json(), timeout=60, message="the ballot in voting-svc")
    city = next(a for a in ballot["areas"] if a["kind"] == "city")
    dab = next(a for a in ballot["areas"] if a["name"] == "Dąb")
    box = {p["title"]: f"a{a['area_id']}-{p['proposal_id']}" for a in (city, dab) for p in a["projects"]}

    # -- a voter known only by declaration is refused at the point; verified in person at the desk, then served
    dawid, ewa = new_resident(gateway, "Dąb"), new_resident(gateway, "Dąb")
    page.goto(f"/urzad/edycje/{eid}/karty")
    page.get_by_label("PESEL głosującego").fill(dawid.pesel)
    page.get_by_label("Numer karty").fill("S-0001")
    page.get_by_role("button", name="Wydaj kartę").click()
    assert "rejestrze mieszkańców" in page.locator("#error-summary").inner_text()
    page.goto("/urzad/")
    page.get_by_role("link", name="Weryfikacja osobista mieszkańców").click()
    account = page.get_by_label("Konto: e-mail, PESEL lub identyfikator")
    account.fill("nie-ten-numer")
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert page.locator("#account_id-error").is_visible()
    account.fill("nikt@glos.local")
    page.get_by_role("button", name="Potwierdź zamieszkanie").click()
    assert page.locator("#account_id-error").inner_text().endswith("Nie ma konta o takim adresie e-mail.")
    axe.check(page)
    # the desk finds Dawid by his e-mail and Ewa by her PESEL (issue 27, point 8); a PESEL is never typed back
    for person, typed in ((dawid, dawid.email), (ewa, ewa.pesel)):
        account.fill(typed)
        page.get_by_label("Okazany dokument").select_option("id_card")
        page.get_by_label("Uzasadnienie (do rejestru działań)", exact=True).fill("brak w rejestrze, dowód okazany")
        page.get_by_role("button", name="Potwierdź zamieszkanie").click()
        assert page.get_by_text(f"Mieszkaniec zweryfikowany osobiście (osiedle Dąb, PESEL *******{person.pesel[-4:]}).").is_visible()
    assert requests.get(f"{gateway}/api/identity/me/resident", headers=dawid.headers,
                        timeout=10).json()["verification_level"] == "in_person"
    page.goto(f"/urzad/edycje/{eid}/karty")
    for person, number in ((dawid, "S-0001"), (ewa, "S-0002")):
        page.get_by_label("PESEL głosującego").fill(person.pesel)
        page.get_by_label("Numer karty").fill(number)
        page.get_by_role("button", name="Wydaj kartę").click()
        assert page.get_by_text(f"Wydano kartę {number} (osiedle Dąb).").is_visible()

    # -- each card keyed twice, by this official and another
    cards = {"S-0001": [box["Ławki nad Czarną Hańczą"], box["Kwiaty na Dębie"]],
             "S-0002": [box["Ławki nad Czarną Hańczą"], box["Siłownia nad Czarną Hańczą"], box["Kwiaty na Dębie"]]}
    for number, marked in cards.items():
        key_card(page, eid, number, marked)
        assert page.get_by_text(f"Karta {number}: wprowadzona raz.").is_visible()
    second_email = f"urzednik-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(second_email, SECOND_OFFICIAL_PASSWORD, roles="pb_official")
    second = new_page(browser, browser_context_args, outside)
    log_in(second, second_email, f"/urzad/edycje/{eid}/karty", SECOND_OFFICIAL_PASSWORD)
    for number, marked in cards.items():
        key_card(second, eid, number, list(reversed(marked)))
        assert second.get_by_text(f"Karta {number}: przyjęta.").is_visible()
    second.context.close()

    # -- closing, the seed revealed, the results with their Merkle root
    page.goto(f"/urzad/edycje/{eid}/zamkniecie")
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("koniec głosowania zgodnie z harmonogramem")
    page.get_by_role("button", name="Zamknij głosowanie").click()
    assert page.get_by_text("Głosowanie zamknięte.").is_visible()
    page.get_by_label("Ziarno losowania").fill("nie to ziarno")
    page.get_by_role("button", name="Opublikuj wyniki").click()
    assert page.locator(".flash-error").is_visible()  # its hash is not the one frozen with the rules
    page.get_by_label("Ziarno losowania").fill(SEED)
    page.get_by_role("button", name="Opublikuj wyniki").click()
    assert page.get_by_text("Wyniki policzone i opublikowane; ziarno losowania ujawnione.").is_visible()
    published = requests.get(f"{gateway}/api/voting/editions/{eid}/results", timeout=10).json()
    assert page.get_by_text(published["receipts_root"]).is_visible()
    assert hashlib.sha256(SEED.encode()).hexdigest() == ballot["rules"]["selection"]["draw_seed_sha256"]
    selected = {p for a in published["document"]["areas"] for p in a["selected"]}
    assert {benches, gym, flowers} == selected  # both cards' choices fit the pools
    axe.check(page)

    # -- implementation: the office assigns each winner to the department; its reviewer reports progress
    records = wait_until(lambda: len(r := api(gateway, "GET", "/implementations", params={"edition_id": eid})
                                     .json()) == 3 and r, timeout=60, message="the winners' implementation records")
    benches_record = next(r for r in records if r["proposal_id"] == benches)
    page.goto("/urzad/")
    page.get_by_role("link", name=re.compile(rf"^realizacja\s*: {name}$")).click()
    axe.check(page)
    page.get_by_role("link", name="Ławki nad Czarną Hańczą").click()
    page.get_by_label("Komórka", exact=True).select_option(greenery)
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("zieleń miejska")
    page.get_by_role("button", name="Przypisz komórce").click()
    assert page.get_by_text(f"Realizację przypisano komórce {greenery}.").is_visible()
    axe.check(page)
    reviewer.goto(f"/urzad/komorki/{greenery}")
    reviewer.get_by_role("link", name="Realizacja projektów komórki").click()
    listed = reviewer.locator("#implementations").get_by_role("rowheader").all_inner_texts()
    assert {"Ławki nad Czarną Hańczą", "Siłownia nad Czarną Hańczą", "Kwiaty na Dębie"} == set(listed)
    axe.check(reviewer)
    reviewer.get_by_role("link", name="Ławki nad Czarną Hańczą").click()
    reviewer.get_by_label("Status realizacji").select_option("completed")
    reviewer.get_by_label("Postęp (%)").fill("60")
    reviewer.get_by_role("button", name="Opublikuj aktualizację").click()
    assert reviewer.locator("#progress-error").is_visible()  # completed means 100 %
    assert reviewer.get_by_label("Postęp (%)").input_value() == "60"
    reviewer.get_by_label("Status realizacji").select_option("in_progress")
    reviewer.get_by_label("Notatka dla mieszkańców").fill("Ławki zamówione, montaż w maju.")
    reviewer.get_by_role("button", name="Opublikuj aktualizację").click()
    assert reviewer.get_by_text("Aktualizacja realizacji opublikowana.").is_visible()
    axe.check(reviewer)
    reviewer.context.close()
    record = api(gateway, "GET", f"/implementations/{benches_record['id']}").json()
    assert (record["status"], record["progress"], record["updates"][-1]["note"]) == (
        "in_progress", 60, "Ławki zamówione, montaż w maju.")
