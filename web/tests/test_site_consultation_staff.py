"""Running a consultation in the browser: a coordinator announces it (field errors in place), builds the survey
with a conditional question, adds a document and a meeting, assigns a moderator and opens it; the assigned
moderator works the moderation queue, sees live results, keeps attendance and minutes; a moderator not
assigned is refused; after the close every remark is answered and approved and the report published."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "consultation-svc" / "tests"))
from consultation_kit import api, resident, staff  # noqa: E402
from glos_testing import wait_until  # noqa: E402

from site_kit import log_in, new_page

pytestmark = pytest.mark.platform

STAFF_PASSWORD = "haslo-pracownika-123456"  # consultation_kit.staff's




def test_a_consultation_run_from_announcement_to_published_report(browser, browser_context_args, outside, axe,
                                                                  gateway, official_headers, accounts):
    coordinator_page = new_page(browser, browser_context_args, outside)
    log_in(coordinator_page, accounts["official"][0], "/konsultacje/", accounts["official"][1])
    page = coordinator_page

    # -- announce: an error by its field, what was typed kept
    page.get_by_role("link", name="Ogłoś konsultacje").click()
    subject = f"Park przy Rawie {uuid.uuid4().hex[:6]}"
    page.get_by_label("Przedmiot konsultacji").fill(subject)
    page.get_by_role("group", name="Obszar: osiedla").get_by_label("Dąb", exact=True).check()
    page.get_by_label("uwagi do dokumentu").check()
    page.get_by_label("spotkania").check()
    page.get_by_label("Komórka odpowiedzialna").fill("WUA")
    page.get_by_role("button", name="Ogłoś").click()
    assert page.locator("#closes_at-error").is_visible()
    assert page.get_by_label("Przedmiot konsultacji").input_value() == subject
    axe.check(page)
    page.get_by_label("Zamknięcie (czas warszawski)").fill("2030-06-30T16:00")
    page.get_by_role("button", name="Ogłoś").click()
    assert page.get_by_text("Konsultacje ogłoszone.").is_visible()
    cid = page.url.rstrip("/").split("/")[-2]
    axe.check(page)
    # the announcement changed before the opening, with the reason the audit keeps
    page.get_by_role("link", name="Zmień ogłoszenie (obszar, formy, terminy)").click()
    area = page.get_by_role("group", name="Obszar: osiedla")
    assert area.get_by_label("Dąb", exact=True).is_checked() and not area.get_by_label("Załęże").is_checked()
    assert page.get_by_label("Zamknięcie (czas warszawski)").input_value() == "2030-06-30T16:00"
    area.get_by_label("Załęże").check()
    page.get_by_role("button", name="Zapisz zmiany").click()
    assert page.locator("#reason-error").is_visible()  # no reason, no change
    area = page.get_by_role("group", name="Obszar: osiedla")
    assert area.get_by_label("Dąb", exact=True).is_checked() and area.get_by_label("Załęże").is_checked()
    axe.check(page)
    page.get_by_label("Uzasadnienie zmiany (do rejestru zmian)").fill("park leży na granicy osiedli")
    page.get_by_role("button", name="Zapisz zmiany").click()
    assert page.get_by_text("Zmiany w ogłoszeniu zapisane.").is_visible()
    edited = api(gateway, "GET", f"/consultations/{cid}").json()
    assert edited["scope_districts"] == ["Dąb", "Załęże"] and edited["closes_at"].startswith("2030-06-30T14:00")

    # -- the survey builder: two questions, the second asked only after "tak"; a broken one named first
    page.get_by_role("link", name="Edytuj ankietę").click()
    page.get_by_label("Kod pytania").fill("uzywa")
    page.get_by_label("Treść pytania").fill("Czy korzysta Pan/Pani z parku?")
    page.get_by_label("Odpowiedzi do wyboru (jedna w linii)").fill("tak")
    page.get_by_role("button", name="Dodaj pytanie").click()
    page.locator("#q_1_code").fill("jak_czesto")
    page.locator("#q_1_type").select_option("scale")
    page.locator("#q_1_text").fill("Jak często Pan/Pani tam bywa?")
    page.locator("#q_1_min").fill("1")
    page.locator("#q_1_max").fill("5")
    page.locator("#q_1_condition_question").fill("uzywa")
    page.locator("#q_1_condition_any").fill("tak")
    page.get_by_role("button", name="Zapisz ankietę").click()
    assert page.locator("#questions_0_spec_options-error").is_visible()
    assert page.locator("#q_1_text").input_value() == "Jak często Pan/Pani tam bywa?"
    axe.check(page)
    page.locator("#q_0_options").fill("tak\nnie")
    page.get_by_role("button", name="Zapisz ankietę").click()
    assert page.get_by_text("Ankieta zapisana (2 pytania).").is_visible()
    questions = api(gateway, "GET", f"/consultations/{cid}/survey").json()
    assert questions[1]["condition"] == {"question": "uzywa", "any_of": ["tak"]}

    # -- a document in two sections and a meeting of one place
    page.get_by_role("link", name="Dodaj dokument").click()
    page.get_by_label("Tytuł dokumentu").fill("Koncepcja parku")
    page.get_by_label("Nagłówek fragmentu 1").fill("§1")
    page.get_by_label("Treść fragmentu 1").fill("Nowe alejki z nawierzchnią mineralną.")
    page.get_by_label("Nagłówek fragmentu 2").fill("§2")
    page.get_by_label("Treść fragmentu 2").fill("Plac zabaw przy wejściu od ulicy.")
    axe.check(page)
    page.get_by_role("button", name="Zapisz dokument").click()
    assert page.get_by_text("Dokument dodany.").is_visible()
    page.get_by_role("link", name="Zaplanuj spotkanie").click()
    page.get_by_label("Nazwa spotkania").fill("Spacer po parku")
    page.get_by_label("Miejsce").fill("Wejście od ul. Parkowej")
    page.get_by_label("Początek (czas warszawski)").fill("2030-06-10T17:00")
    page.get_by_label("Koniec zapisów (czas warszawski)").fill("2030-06-09T17:00")
    page.get_by_label("Liczba miejsc").fill("dużo")
    page.get_by_role("button", name="Zaplanuj").click()
    assert page.locator("#capacity-error").is_visible()
    axe.check(page)
    page.get_by_label("Liczba miejsc").fill("1")
    page.get_by_role("button", name="Zaplanuj").click()
    assert page.get_by_text("Spotkanie zaplanowane.").is_visible()

    # -- a moderator assigned, another not; then open
    moderator = staff(gateway, official_headers, "moderator")
    outsider = staff(gateway, official_headers, "moderator")
    page.get_by_label("Identyfikator konta moderatora").fill(moderator.account_id)
    page.get_by_label("Uzasadnienie przypisania").fill("prowadzi konsultacje parku")
    page.get_by_role("button", name="Przypisz moderatora").click()
    assert page.get_by_text("Przypisano moderatora.").is_visible()
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("zgodnie z zarządzeniem")
    page.get_by_role("button", name="Otwórz konsultacje").click()
    assert page.get_by_text("Zmieniono status konsultacji.").is_visible()
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "open"
    axe.check(page)

    # -- residents take part (through the API: their side is the other test's)
    anna, bartek = resident(gateway), resident(gateway)
    did = api(gateway, "GET", f"/consultations/{cid}/documents").json()[0]["id"]
    comments_url = f"/consultations/{cid}/documents/{did}/comments"
    held = api(gateway, "POST", comments_url, anna.headers, json={"section": "par-1", "body": "Te alejki to k*rwa żart."})
    assert held.json()["status"] == "pending"
    fine = api(gateway, "POST", comments_url, bartek.headers, json={"section": "par-2", "body": "Plac zabaw ogrodzony, proszę."})
    assert fine.json()["status"] == "published"
    # the office revises §2 after Bartek's comment: a reason is required, and his comment keeps its version
    page.goto(f"/konsultacje/{cid}/prowadzenie")
    page.get_by_role("link", name="zmień fragmenty").click()
    assert page.locator("#par-2 .badge").inner_text() == "wersja 1"
    page.get_by_label("Treść fragmentu §2").fill("Plac zabaw przy wejściu od ulicy, ogrodzony.")
    page.get_by_role("button", name="Zapisz nową wersję fragmentu §2").click()
    assert page.locator("[id='reason-par-2-error']").is_visible()
    assert page.get_by_label("Treść fragmentu §2").input_value() == "Plac zabaw przy wejściu od ulicy, ogrodzony."
    axe.check(page)
    page.get_by_label("Uzasadnienie zmiany fragmentu §2 (do rejestru zmian)").fill("uwzględniono uwagę o ogrodzeniu")
    page.get_by_role("button", name="Zapisz nową wersję fragmentu §2").click()
    assert page.get_by_text("Fragment §2 zmieniony (wersja 2).").is_visible()
    assert page.locator("#par-2 .badge").inner_text() == "wersja 2"
    assert page.locator("#par-1 .badge").inner_text() == "wersja 1"
    page.get_by_role("link", name="Dokument tak, jak widzą go mieszkańcy").click()
    assert page.get_by_text("Fragment zmieniony w trakcie konsultacji (wersja 2).").is_visible()
    assert page.get_by_text("Plac zabaw przy wejściu od ulicy, ogrodzony.").is_visible()
    assert page.locator(f"#comment-{fine.json()['id']}").get_by_text(
        "Dotyczy wersji 1 fragmentu; obecna wersja: 2.").is_visible()
    axe.check(page)
    for person, answer in ((anna, {"uzywa": "tak", "jak_czesto": 4}), (bartek, {"uzywa": "nie"})):
        assert api(gateway, "POST", f"/consultations/{cid}/responses", person.headers,
                   json={"answers": answer}).status_code == 201
    # attendance is kept once a meeting has started: one that starts within the minute, both registered
    starts = datetime.now(UTC) + timedelta(seconds=40)
    soon = api(gateway, "POST", f"/consultations/{cid}/meetings", official_headers, json={
        "title": "Dyżur w parku", "place": "Altana", "starts_at": starts.isoformat(),
        "registration_closes_at": (starts - timedelta(seconds=10)).isoformat(), "capacity": 5}).json()
    for person in (anna, bartek):
        assert api(gateway, "POST", f"/meetings/{soon['id']}/registrations", person.headers).status_code == 201

    # -- a moderator not assigned sees the consultation but may not run it
    outsider_page = new_page(browser, browser_context_args, outside)
    log_in(outsider_page, outsider.email, f"/konsultacje/{cid}/prowadzenie", STAFF_PASSWORD)
    assert outsider_page.get_by_text("Nie prowadzisz tych konsultacji").is_visible()
    outsider_page.goto(f"/konsultacje/{cid}/prowadzenie/moderacja")
    assert outsider_page.get_by_role("heading", level=1).inner_text() != "Kolejka moderacji"

    # -- the assigned moderator: the queue, live results, attendance and minutes
    mpage = new_page(browser, browser_context_args, outside)
    log_in(mpage, moderator.email, f"/konsultacje/{cid}/prowadzenie", STAFF_PASSWORD)
    mpage.get_by_role("link", name="1 komentarz czeka na moderację.").click()
    item = mpage.locator(f"#comment-{held.json()['id']}")
    item.get_by_label("usuń dane osobowe i opublikuj").check()
    item.get_by_label("Uzasadnienie decyzji").fill("wulgaryzm usunięty")
    item.get_by_label("Treść po usunięciu danych (tylko dla tej decyzji)").fill("Te alejki to żart.")
    axe.check(mpage)
    item.get_by_role("button", name="Zapisz decyzję").click()
    assert mpage.get_by_text("Decyzja zapisana.").is_visible()
    assert mpage.get_by_text("Kolejka jest pusta.").is_visible()
    comments = api(gateway, "GET", comments_url).json()
    assert {c["body"] for c in comments} == {"Te alejki to żart.", "Plac zabaw ogrodzony, proszę."}
    # the banned words: a moderator reads the list, a coordinator changes it
    mpage.get_by_role("link", name="Słowa wstrzymujące komentarz").click()
    assert mpage.get_by_text("Listę zmieniają koordynatorzy.").is_visible()
    assert mpage.get_by_role("button", name="Dodaj").count() == 0
    axe.check(mpage)
    page.goto("/konsultacje/slowa")
    page.get_by_label("Nowy rdzeń (same litery, co najmniej 3)").fill("betonoz")
    page.get_by_role("button", name="Dodaj").click()
    assert page.get_by_text("Dodano słowo „betonoz”.").is_visible()
    axe.check(page)
    page.get_by_role("button", name="Usuń betonoz").click()
    assert page.get_by_text("Usunięto słowo „betonoz”.").is_visible()
    mpage.goto(f"/konsultacje/{cid}/prowadzenie/moderacja")
    mpage.get_by_role("link", name="Wyniki na bieżąco").click()
    assert mpage.get_by_role("img", name="Czy korzysta Pan/Pani z parku?").is_visible()
    axe.check(mpage)
    mpage.goto(f"/konsultacje/{cid}/prowadzenie")
    wait_until(lambda: datetime.now(UTC) >= starts, timeout=60, message="the meeting's start")
    mpage.get_by_role("link", name="Dyżur w parku").click()
    mpage.get_by_label(f"Obecność: {anna.account_id}").check()
    mpage.get_by_role("button", name="Zapisz obecność").click()
    assert mpage.get_by_text("Zapisano obecność.").is_visible()
    mpage.get_by_label("Treść protokołu").fill("Uczestnicy obeszli park. Proponowano ogrodzenie placu zabaw.")
    mpage.get_by_role("button", name="Zapisz protokół").click()
    assert mpage.get_by_text("Protokół zapisany.").is_visible()
    axe.check(mpage)
    registrations = api(gateway, "GET", f"/meetings/{soon['id']}/registrations", moderator.headers).json()
    assert {r["account_id"]: r["attended"] for r in registrations}[anna.account_id] is True

    # -- the close; every remark answered (by the moderator) and approved (by the coordinator); the report
    page.goto(f"/konsultacje/{cid}/prowadzenie")
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("termin minął")
    page.get_by_role("button", name="Zamknij konsultacje").click()
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "closed"
    mpage.goto(f"/konsultacje/{cid}/prowadzenie/uwagi")
    remarks = api(gateway, "GET", f"/consultations/{cid}/remarks", moderator.headers).json()
    assert remarks
    for remark in remarks:
        item = mpage.locator(f"#remark-{remark['id']}")
        item.get_by_label("Rozstrzygnięcie").select_option("accepted")
        item.get_by_label("Odpowiedź miasta z uzasadnieniem").fill("Uwzględnimy to w projekcie parku.")
        item.get_by_role("button", name="Zapisz odpowiedź").click()
        assert mpage.get_by_text("Odpowiedź zapisana; czeka na zatwierdzenie.").is_visible()
    axe.check(mpage)
    page.goto(f"/konsultacje/{cid}/prowadzenie/uwagi")
    for remark in remarks:
        page.locator(f"#remark-{remark['id']}").get_by_role("button", name="Zatwierdź odpowiedź").click()
        assert page.get_by_text("Odpowiedź zatwierdzona.").is_visible()
    page.get_by_role("link", name="Raport", exact=True).click()
    page.get_by_role("button", name="Utwórz nową wersję").click()
    assert page.get_by_text("Utworzono nową wersję raportu.").is_visible()
    draft = page.request.get(page.get_by_role("link", name="PDF wersji 1").get_attribute("href"))
    assert draft.status == 200 and draft.body()[:5] == b"%PDF-"
    axe.check(page)
    page.get_by_role("button", name="Opublikuj wersję 1").click()
    assert page.get_by_text("Raport opublikowany").is_visible()
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "report_published"
    page.goto(f"/konsultacje/{cid}/raport")
    assert page.get_by_text("Uwzględnimy to w projekcie parku.").first.is_visible()
    for context in (coordinator_page.context, outsider_page.context, mpage.context):
        context.close()
