"""The resident's core journey in the browser: browse an edition, log in, vote within the frozen rules with
the live budget bar, confirm, get the receipt — with JavaScript and without; then, once the results are
out, the results page and the receipt's inclusion proof. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from glos_testing import new_resident
from site_kit import SEED, goto_until, log_in, voting_edition

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def edition(gateway, official_headers):
    return voting_edition(gateway, official_headers, "BO strona")



def dab_project(edition: dict, cost: int) -> dict:
    return next(p for p in edition["dab"]["projects"] if p["cost"] == cost)


def test_home_edition_and_projects_pages_are_accessible(page, axe, edition):
    page.goto("/")
    axe.check(page)
    page.get_by_role("link", name="Deklaracja dostępności").click()
    assert page.get_by_role("heading", name="Deklaracja dostępności", level=1).is_visible()
    axe.check(page)
    edition_link = page.get_by_role("link", name=re.compile(r"^BO strona")).first
    goto_until(page, "/", edition_link)  # the home page's list is cached for a few seconds
    edition_link.click()
    assert page.get_by_role("heading", name="Obszary i pule").is_visible()
    assert "403\u00a0169\u00a0zł" in page.locator("main").inner_text()  # Dąb's pool, in Polish format
    axe.check(page)
    page.get_by_role("link", name="Projekty", exact=True).click()
    axe.check(page)
    total = len(page.locator(".project-card").all())
    page.get_by_label("Obszar").select_option(label="Dąb")
    page.get_by_role("button", name="Pokaż").click()
    assert len(page.locator(".project-card").all()) == len(edition["dab"]["projects"]) < total
    page.get_by_label("Koszt do (zł)").fill("60000")
    page.get_by_role("button", name="Pokaż").click()
    assert len(page.locator(".project-card").all()) == 2  # 25 000 and 50 200 zł
    page.get_by_label("Koszt do (zł)").fill("sześćdziesiąt")
    page.get_by_role("button", name="Pokaż").click()
    assert page.locator("#cost_max-error").inner_text().endswith("Podaj kwotę w złotych, same cyfry.")
    assert page.get_by_label("Koszt do (zł)").input_value() == "sześćdziesiąt"
    axe.check(page)
    page.goto(f"/edycje/{edition['id']}/projekty?order=random")
    first = page.locator(".project-card h2").all_inner_texts()
    page.reload()
    assert page.locator(".project-card h2").all_inner_texts() == first  # stable for one visitor
    page.locator(".project-card a").first.click()
    assert page.get_by_role("heading", name="Wynik weryfikacji: pozytywny").is_visible()
    axe.check(page)


DAB_OUTLINE = {"type": "Polygon", "coordinates": [[[18.985, 50.265], [19.025, 50.265], [19.025, 50.29],
                                                    [18.985, 50.29], [18.985, 50.265]]]}


def test_the_map_clusters_the_projects_over_named_outlines_with_nothing_from_outside(page, axe, gateway,
                                                                                   official_headers, edition):
    """Issue 23 (5): 319 unclustered pins on a grey box. Markers crowd into numbered clusters; the areas' outlines
    (the office's GeoJSON) carry their names, so the map reads without a tile server; a legend says what is what;
    the list below gives addresses, never coordinates."""
    import json

    r = requests.put(f"{gateway}/api/proposals/editions/{edition['id']}/area-outlines", timeout=10,
                     headers={**official_headers, "Content-Type": "application/geo+json"},
                     params={"reason": "granice osiedli z GIS"}, data=json.dumps({"type": "FeatureCollection", "features": [
                         {"type": "Feature", "properties": {"name": "Dąb"}, "geometry": DAB_OUTLINE}]}))
    assert r.status_code == 200 and r.json()["matched"] == ["Dąb"], r.text
    goto_until(page, f"/edycje/{edition['id']}/mapa", page.locator(".leaflet-tooltip.area-label"))
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-tooltip.area-label").inner_text() == "Dąb"  # the outline, named on the map
    located = len(page.locator("#map-projects li").all())
    clusters = page.locator(".marker-cluster")
    singles = page.locator(".leaflet-marker-icon:not(.marker-cluster)")
    in_clusters = sum(int(n) for n in clusters.locator("span").all_inner_texts())
    assert clusters.count() > 0 and singles.count() + in_clusters == located  # every project, none twice
    page.screenshot(path="/tmp/glos-map-1366.png")
    legend = page.get_by_role("list", name="Legenda mapy").inner_text()
    assert "granica obszaru" in legend and "kilka projektów blisko siebie" in legend
    assert not re.search(r"\d+\.\d{5}, \d+\.\d{5}", page.locator("#map-projects").inner_text())
    for _ in range(6):  # clusters opened until single markers show (each click zooms in or spreads one out)
        if singles.count():
            break
        clusters.first.click()
        try:
            singles.first.wait_for(timeout=3000)
        except PlaywrightTimeout:
            continue
    marker = singles.first
    assert marker.get_attribute("role") == "button"
    marker.focus()
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-popup-content a").is_visible()
    axe.check(page)


def test_a_resident_votes_with_the_live_budget_bar_and_gets_a_receipt(page, axe, gateway, platform, edition):
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    assert page.get_by_role("heading", name=re.compile("Głosowanie")).is_visible()
    axe.check(page)
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    assert page.get_by_role("heading", name=re.compile("^Dąb")).is_visible()
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "0"
    axe.check(page)
    big, second = dab_project(edition, 235_000), dab_project(edition, 126_000)
    # leaving with a choice not yet saved asks first (and staying keeps the choice)
    page.locator(f"#p-{big['proposal_id']}").check()
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))  # dismiss: stay
    page.get_by_role("link", name="Strona główna").click()
    for _ in range(100):  # until the dialog has been handled (Playwright dispatches events while it waits)
        if dialogs:
            break
        page.wait_for_timeout(50)
    assert dialogs == ["beforeunload"]
    assert page.locator(f"#p-{big['proposal_id']}").is_checked()
    page.locator(f"#p-{second['proposal_id']}").check()
    assert bar.get_attribute("aria-valuenow") == "361000"
    assert "zostało 42\u00a0169\u00a0zł" in page.locator("#bar-text").inner_text()
    too_dear = dab_project(edition, 200_000)
    assert page.locator(f"#p-{too_dear['proposal_id']}").is_disabled()  # greyed out, still shown
    assert page.locator(f"#fit-{too_dear['proposal_id']}").inner_text() == "Nie mieści się w pozostałej puli."
    assert page.locator(f"#p-{dab_project(edition, 25_000)['proposal_id']}").is_enabled()
    axe.check(page)
    page.get_by_role("button", name="Zapisz i dalej").click()
    assert page.get_by_role("heading", name=re.compile("ogólnomiejski")).is_visible()
    city = edition["city"]["projects"]
    page.locator(f"#p-{city[0]['proposal_id']}").select_option("2")
    page.locator(f"#p-{city[1]['proposal_id']}").select_option("1")
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "3"
    assert page.locator(f"#p-{city[2]['proposal_id']}").is_disabled()  # no points left
    axe.check(page)
    page.get_by_role("button", name="Zapisz i dalej").click()
    assert page.get_by_role("heading", name="Sprawdź swój głos").is_visible()
    assert big["title"][:40] in page.locator("main").inner_text()
    axe.check(page)
    page.get_by_label("Rozumiem, że oddanego głosu nie można zmienić.").check()
    page.get_by_role("button", name="Oddaj głos").click()
    assert page.get_by_role("heading", name="Dziękujemy, Twój głos został przyjęty").is_visible()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", code)
    axe.check(page)
    # the receipt is mailed on casting (issue 23, point 8): the code, the time in Warsaw time, never the choices
    from site_kit import mails_to, wait_for_link
    assert page.get_by_text("Kopię potwierdzenia wysyłamy na Twój adres e-mail.").is_visible()
    assert wait_for_link(platform.mail_dir, resident.email, r"[0-9a-f]{32}") == code
    letter = mails_to(platform.mail_dir, resident.email)[0].get_content()
    assert re.search(r"przyjęty \d{1,2} [a-zźżńółęąś]+ 20\d\d, \d\d:\d\d \(czas warszawski\)", letter), letter
    assert "+00:00" not in letter and big["title"][:20] not in letter
    page.get_by_role("button", name="Wyślij kopię na mój e-mail").click()  # another copy, on request
    assert page.get_by_text("Wysłaliśmy kopię potwierdzenia na Twój adres e-mail.").is_visible()
    assert wait_for_link(platform.mail_dir, resident.email, r"[0-9a-f]{32}", count=2) == code
    # the same voter cannot vote twice: the voting page shows the ballot cast, with its receipt
    page.goto(f"/edycje/{edition['id']}/glosowanie/")
    assert page.locator("#voted").get_by_role("heading", name="Twój głos został oddany").is_visible()
    assert page.locator("#voted .receipt-code").inner_text() == code


def test_the_core_journey_works_without_javascript(no_js_page, axe, gateway, edition):
    page = no_js_page
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    axe.check(page, scripts=False)
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    cheap = dab_project(edition, 25_000)
    page.locator(f"#p-{cheap['proposal_id']}").check()
    page.get_by_role("button", name="Zapisz i dalej").click()
    city = edition["city"]["projects"]
    # four points where three are allowed: the server says so in Polish, and keeps the choices
    page.locator(f"#p-{city[0]['proposal_id']}").select_option("3")
    page.locator(f"#p-{city[1]['proposal_id']}").select_option("1")
    page.get_by_role("button", name="Zapisz i dalej").click()
    assert "Za dużo punktów: można rozdać najwyżej 3, rozdano 4." in page.get_by_role("alert").inner_text()
    assert page.locator(f"#p-{city[0]['proposal_id']}").input_value() == "3"
    assert page.locator(f"#p-{city[1]['proposal_id']}").input_value() == "1"
    axe.check(page, scripts=False)
    page.locator(f"#p-{city[1]['proposal_id']}").select_option("0")
    page.get_by_role("button", name="Zapisz i dalej").click()
    axe.check(page, scripts=False)
    page.get_by_role("button", name="Oddaj głos").click()  # without the acknowledgement
    assert page.get_by_text("Zaznacz, że rozumiesz, iż oddanego głosu nie można zmienić.").is_visible()
    page.get_by_label("Rozumiem, że oddanego głosu nie można zmienić.").check()
    page.get_by_role("button", name="Oddaj głos").click()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", code)
    axe.check(page, scripts=False)


def test_results_page_and_the_receipt_check(page, axe, gateway, official_headers, edition):
    # one more ballot through the site's API path, then the close and the count
    resident = new_resident(gateway, "Dąb")
    page.goto(f"/edycje/{edition['id']}/glosowanie/sprawdz?receipt=" + "0" * 32)
    assert page.get_by_text("Wyniki nie są jeszcze ogłoszone").is_visible()
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    page.locator(f"#p-{dab_project(edition, 100_000)['proposal_id']}").check()
    page.get_by_role("button", name="Zapisz i dalej").click()
    page.get_by_role("button", name="Zapisz i dalej").click()  # city-wide left empty: that part is skipped
    page.get_by_label("Rozumiem, że oddanego głosu nie można zmienić.").check()
    page.get_by_role("button", name="Oddaj głos").click()
    code = page.locator("#receipt-code").inner_text()

    base = f"{gateway}/api/voting/editions/{edition['id']}"
    assert requests.post(f"{base}/close", headers=official_headers, json={"reason": "koniec"}, timeout=10).status_code == 201
    from glos_testing import wait_until
    wait_until(lambda: requests.post(f"{base}/results", headers=official_headers, json={"seed": SEED},
                                     timeout=60).status_code in (201, 409) and
               requests.get(f"{base}/results", timeout=10).status_code == 200, timeout=60, message="the results")
    page.goto(f"/edycje/{edition['id']}/wyniki")
    # plain words first; the fingerprints and the revealed draw seed one click away (issue 23, point 9)
    assert "Wyniki może sprawdzić każdy" in page.locator("#verify-heading + p").inner_text()
    assert page.get_by_text(SEED).is_hidden() and "Merkle" not in page.locator("main").inner_text()
    page.get_by_text("Dla sprawdzających: odciski zasad, losowania i wyników").click()
    assert page.get_by_text(SEED).is_visible()  # the revealed draw seed
    for link in ("Wyniki (CSV)", "Zanonimizowane karty (Pabulib, ZIP)"):
        href = page.get_by_role("link", name=link).get_attribute("href")
        assert requests.get(gateway + href, timeout=30).status_code == 200
    assert page.get_by_text(re.compile(r"głosujących \(\d+ z \d+\) ma co najmniej jeden wybrany projekt")).is_visible()
    # the turnout table to download: every area, then its voters by age band (issue 25, point 4)
    table = requests.get(gateway + page.get_by_role("link", name="CSV", exact=True).get_attribute("href"), timeout=30)
    assert table.status_code == 200 and table.headers["Content-Type"].startswith("text/csv")
    lines = [line.split(";") for line in table.content.decode("utf-8-sig").splitlines()]
    assert lines[0][:3] == ["obszar", "rodzaj", "wiek"]
    rows_json = requests.get(gateway + page.get_by_role("link", name="JSON", exact=True).get_attribute("href"),
                             timeout=30).json()["rows"]
    assert len(rows_json) == len(lines) - 1
    axe.check(page)
    # each area on a page of its own, every project with the count's sentence saying why (issue 25, point 5)
    page.get_by_role("link", name="Dąb", exact=True).click()
    assert page.get_by_role("heading", name=re.compile("^Wyniki: Dąb")).is_visible()
    document = requests.get(f"{base}/results", timeout=10).json()["document"]
    dab = next(a for a in document["areas"] if a["area_id"] == edition["dab"]["area_id"])
    assert page.get_by_text(f"{dab['fairness']['voters_with_a_winner']} z {dab['voters']}").is_visible()
    rows = page.get_by_role("table", name="Wyniki projektów: Dąb").locator("tbody tr")
    assert rows.count() == len(edition["dab"]["projects"]) == len(dab["projects"])
    for pid, entry in dab["projects"].items():
        why = page.locator(f"#projekt-{pid} td").last.inner_text()
        assert why == entry["explanation"]["pl"] and why.startswith("Wybrany" if entry["selected"] else "Nie wybrany")
    # the voters by their age on the voting day, from their credentials: together, every voter of the area
    ages = page.get_by_role("table", name="Frekwencja według wieku: Dąb").locator("tbody tr td:nth-child(2)")
    assert sum(int(re.sub(r"\D", "", text)) for text in ages.all_inner_texts()) == dab["voters"]
    by_age = [row for row in rows_json if row["area"] == "Dąb" and row["age_band"]]
    assert by_age and sum(row["voters"] for row in by_age) == dab["voters"]
    axe.check(page)
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: nothing wider than the screen, text ≥ 12 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sizes = page.evaluate("[...document.querySelectorAll('.bar-label, .bar-value, table.results td')]"
                          ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12
    axe.check(page)
    page.get_by_role("link", name="English").click()
    assert page.locator(f"#projekt-{next(iter(dab['projects']))} td").last.inner_text() == \
        next(iter(dab["projects"].values()))["explanation"]["en"]
    page.get_by_role("link", name="polski").click()
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"/edycje/{edition['id']}/glosowanie/sprawdz?receipt={code}")
    assert page.get_by_role("heading", name="Twój głos jest wśród policzonych").is_visible()
    # what this vote did: the one Dąb project on it, selected or not as the published count says (issue 25, 3)
    effect = page.get_by_role("region", name="Co zrobił Twój głos")
    chosen = dab_project(edition, 100_000)
    won = dab["projects"][chosen["proposal_id"]]["selected"]
    assert effect.get_by_role("listitem").filter(has_text=chosen["title"]).inner_text().endswith(
        "wybrany do realizacji" if won else "niewybrany")
    assert effect.get_by_role("link", name="Dlaczego te projekty wygrały albo nie: wyniki obszaru Dąb").is_visible()
    axe.check(page)
    page.goto(f"/edycje/{edition['id']}/glosowanie/sprawdz?receipt=" + "f" * 32)
    assert page.get_by_role("heading", name="Nie znaleziono tego kodu").is_visible()
    page.goto(f"/edycje/{edition['id']}/glosowanie/sprawdz?receipt=nie-kod")
    assert page.locator("#receipt-error").is_visible()
    assert page.get_by_label("Kod potwierdzenia").input_value() == "nie-kod"

    # the winners' implementation, reported by the office, shown to residents
    items = wait_until(lambda: requests.get(f"{gateway}/api/proposals/implementations", timeout=10,
                                            params={"edition_id": edition["id"]}).json(),
                       timeout=30, message="implementation records opened from results.published")
    r = requests.post(f"{gateway}/api/proposals/implementations/{items[0]['id']}/updates", headers=official_headers,
                      timeout=10, json={"status": "in_progress", "progress": 40, "note": "Prace ruszyły w maju."})
    assert r.status_code == 201, r.text
    page.goto(f"/edycje/{edition['id']}/realizacja")
    assert page.get_by_text("Prace ruszyły w maju.").is_visible()
    axe.check(page)
    page.goto(f"/edycje/{edition['id']}/projekty/{items[0]['proposal_id']}")
    assert page.get_by_role("heading", name="Realizacja", exact=True).is_visible()
    assert page.get_by_role("progressbar", name="Postęp realizacji").get_attribute("aria-valuenow") == "40"
    axe.check(page)


def test_re_voting_where_the_rules_allow_it_replaces_the_ballot(no_js_page, gateway, official_headers):
    from site_kit import RULES, DATA, frozen_edition, set_phase
    import uuid

    edition, areas = frozen_edition(gateway, official_headers, [DATA / "Poland_Katowice_2020_Dab.pb"],
                                    {**RULES, "revoting": True, "live_scores": True}, name=f"BO ponowne {uuid.uuid4().hex[:6]}", year=2027)
    set_phase(gateway, official_headers, edition, "voting")
    page = no_js_page
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition}/glosowanie/")
    assert page.get_by_text("Do końca głosowania możesz zagłosować ponownie; liczy się ostatni głos.").is_visible()
    receipts = []
    for again, project in enumerate(areas["Dąb"]["projects"][:2]):
        page.goto(f"/edycje/{edition}/glosowanie/")
        # once voted, the page says so with the receipt, and offers to vote again
        assert page.locator("#voted").count() == again
        page.get_by_role("button", name="Zagłosuj ponownie" if again else "Rozpocznij głosowanie").click()
        page.locator(f"#p-{project['proposal_id']}").check()
        page.get_by_role("button", name="Zapisz i dalej").click()
        page.get_by_role("button", name="Oddaj głos").click()  # no acknowledgement: the vote can still change
        receipts.append(page.locator("#receipt-code").inner_text())
        assert page.get_by_role("link", name="Zagłosuj ponownie (liczy się ostatni głos)").is_visible()
    assert len(set(receipts)) == 2
    from glos_testing import wait_until

    first, second = (p["proposal_id"] for p in areas["Dąb"]["projects"][:2])

    def replaced():  # the tally took the first ballot back and counted the second
        points = {row["project_id"]: row["points"] for row in
                  requests.get(f"{gateway}/api/voting/editions/{edition}/tally", timeout=10).json()}
        return points.get(second) == 1 and points.get(first, 0) == 0

    wait_until(replaced, timeout=30, message="the later ballot to replace the first in the tally")
    turnout = requests.get(f"{gateway}/api/voting/editions/{edition}/turnout", timeout=10).json()
    assert sum(row["voters"] for row in turnout) == 1


def test_the_ballot_searches_and_shows_only_my_choices_never_losing_one(no_js_page, axe, gateway, edition):
    """Issue 23 (4, and 3's way to a project and back): without JavaScript, as GET and POST forms."""
    page = no_js_page
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, f"/edycje/{edition['id']}/glosowanie/")
    page.get_by_role("button", name="Rozpocznij głosowanie").click()
    library, pavement, stage = dab_project(edition, 25_000), dab_project(edition, 50_200), dab_project(edition, 65_000)
    page.locator(f"#p-{library['proposal_id']}").check()
    page.locator(f"#p-{pavement['proposal_id']}").check()
    # a search: only the stage is shown; the two choices stay on the ballot, and it says so
    page.get_by_label("Szukaj w tytułach, opisach i adresach").fill("scena")
    page.get_by_role("button", name="Pokaż", exact=True).click()
    assert page.locator(f"#p-{stage['proposal_id']}").is_visible()
    assert page.locator(f"#p-{library['proposal_id']}").is_hidden()
    status = page.locator("#projects .count").inner_text()
    assert status.startswith("Pokazano 1 z ") and "2 wybrane projekty są poza wynikami wyszukiwania i pozostają na karcie" in status
    axe.check(page, scripts=False)
    page.locator(f"#p-{stage['proposal_id']}").check()
    # only my choices: the three
    page.get_by_label("Szukaj w tytułach, opisach i adresach").fill("")
    page.get_by_label("Pokaż tylko moje wybory").check()
    page.get_by_role("button", name="Pokaż", exact=True).click()
    visible = [p["proposal_id"] for p in edition["dab"]["projects"] if page.locator(f"#p-{p['proposal_id']}").is_visible()]
    assert sorted(visible) == sorted(p["proposal_id"] for p in (library, pavement, stage))
    # a project's page from the ballot, and back, with every choice kept
    page.get_by_role("button", name=re.compile("^Szczegóły.*Dębowa Scena")).click()
    assert page.get_by_role("heading", name=re.compile(re.escape(stage["title"][:30]))).is_visible()
    axe.check(page, scripts=False)
    page.get_by_role("link", name="← Wróć do karty do głosowania").click()  # to the whole list
    assert all(page.locator(f"#p-{p['proposal_id']}").is_checked() for p in (library, pavement, stage))
    assert page.locator(".ballot-project:visible").count() == len(edition["dab"]["projects"])
    page.get_by_role("button", name="Zapisz i dalej").click()
    page.get_by_role("button", name="Zapisz i dalej").click()
    summary = page.locator("main").inner_text()
    assert all(p["title"][:30] in summary for p in (library, pavement, stage))
