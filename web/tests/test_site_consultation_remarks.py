"""Every remark reaches the report (issue 27, points 1–2), walked as a coordinator would: comments held for
moderation seen in their context, one decision for two of them, a flag that queues a published comment with its
reason, a close that asks because one comment still waits, that comment published after the close, an open
survey answer marked as a remark, one reply shared by two alike remarks — and the published report lists every
remark under its document section or question with its answer, and counts what moderation hid and why. Each
page checked at 1366 px and on a 360 px phone, with axe."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "consultation-svc" / "tests"))
from consultation_kit import api, new_consultation, resident  # noqa: E402

from glos_testing import wait_until  # noqa: E402
from site_kit import at_desk_and_phone, log_in, mails_to, new_page

pytestmark = pytest.mark.platform

QUESTIONS = [{"code": "q1", "type": "long_text", "text": "Czego brakuje na placu?", "required": False},
             {"code": "q2", "type": "scale", "text": "Jak ocenia Pan/Pani projekt?", "required": True,
              "spec": {"min": 1, "max": 5}}]
SECTIONS = [{"heading": "Zieleń", "body": "§1. Na placu rosną lipy."},
            {"heading": "Ławki", "body": "§2. Ustawia się dwanaście ławek."}]


def _comment(gateway, cid, did, person, body, section=None):
    r = api(gateway, "POST", f"/consultations/{cid}/documents/{did}/comments", person.headers,
            json={"body": body, "section": section})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_every_comment_and_marked_answer_reaches_the_report_with_its_answer(
        browser, browser_context_args, outside, axe, gateway, official_headers, accounts, platform):
    cid = new_consultation(gateway, official_headers, moderation="pre", flag_threshold=3)["id"]
    assert api(gateway, "PUT", f"/consultations/{cid}/survey", official_headers,
               json={"questions": QUESTIONS}).status_code == 200
    did = api(gateway, "POST", f"/consultations/{cid}/documents", official_headers,
              json={"title": "Projekt przebudowy placu", "sections": SECTIONS}).json()["id"]
    assert api(gateway, "POST", f"/consultations/{cid}/status", official_headers,
               json={"status": "open", "reason": "start"}).status_code == 200
    anna, bartek, celina = (resident(gateway) for _ in range(3))
    shade = _comment(gateway, cid, did, anna, "Ławki w cieniu lip, proszę.", "par-2")
    backs = _comment(gateway, cid, did, bartek, "Ławki z oparciami dla seniorów.", "par-2")
    advert = _comment(gateway, cid, did, celina, "Tanie ławki, dzwoń: reklama!", "par-2")
    late = _comment(gateway, cid, did, celina, "Nie wycinajcie żadnej lipy.", "par-1")
    assert api(gateway, "POST", f"/consultations/{cid}/responses", anna.headers,
               json={"answers": {"q1": "Toalety publicznej", "q2": 4}}).status_code == 201

    page = new_page(browser, {**browser_context_args, "viewport": {"width": 1366, "height": 900}}, outside)
    log_in(page, accounts["official"][0], f"/konsultacje/{cid}/prowadzenie/moderacja", accounts["official"][1])

    # -- the queue: each comment in its context, required fields marked; two published with one reason
    assert page.get_by_text("4 komentarze czekają na decyzję.").is_visible()
    item = page.locator(f"#comment-{shade}")
    assert "dokument „Projekt przebudowy placu”" in item.inner_text() and "fragment: Ławki" in item.inner_text()
    assert page.locator("#bulk").get_by_text("(wymagane)").count() == 2
    at_desk_and_phone(page, axe, "moderation")
    page.get_by_role("button", name="Zapisz decyzję dla zaznaczonych").click()  # nothing ticked, no reason
    assert page.get_by_label("Uzasadnienie decyzji", exact=False).first.evaluate("e => !e.validity.valid")
    page.locator(f"#pick-{shade}").check()
    page.locator(f"#pick-{backs}").check()
    page.get_by_label("opublikuj (zostaw)").first.check()
    page.locator("#bulk-reason").fill("zgodne z regulaminem")
    page.get_by_role("button", name="Zapisz decyzję dla zaznaczonych").click()
    assert page.get_by_text("Decyzja zapisana dla 2 komentarzy.").is_visible()
    advert_item = page.locator(f"#comment-{advert}")
    advert_item.get_by_label("ukryj (autor zobaczy powód)").check()
    advert_item.get_by_label("Uzasadnienie decyzji").fill("reklama")
    advert_item.get_by_role("button", name="Zapisz decyzję").click()
    assert page.get_by_text("Decyzja zapisana.").is_visible()

    # -- a resident's flag puts a published comment in the queue at once, with its reason
    assert api(gateway, "POST", f"/comments/{backs}/flags", celina.headers,
               json={"reason": "to nie dotyczy ławek"}).status_code == 201
    page.reload()
    flagged = page.locator(f"#comment-{backs}")
    assert "1 zgłoszenie: to nie dotyczy ławek" in flagged.inner_text()
    assert "opublikowany, zgłoszony przez uczestników" in flagged.inner_text()
    flagged.get_by_label("Uzasadnienie decyzji").fill("komentarz na temat")
    flagged.get_by_role("button", name="Zapisz decyzję").click()
    assert page.get_by_text("Decyzja zapisana.").is_visible()

    # -- the close asks: one comment still waits
    page.goto(f"/konsultacje/{cid}/prowadzenie")
    page.get_by_label("Uzasadnienie (do rejestru zmian)").fill("termin minął")
    page.get_by_role("button", name="Zamknij konsultacje").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Zamknąć konsultacje, choć komentarze")
    assert page.get_by_text("W kolejce moderacji czeka komentarzy: 1.").is_visible()
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "open"
    at_desk_and_phone(page, axe, "close-confirm")
    page.get_by_role("button", name="Zamknij mimo to").click()
    assert page.get_by_text("Zmieniono status konsultacji.").is_visible()
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "closed"
    # … and the comment published after the close becomes a remark all the same
    page.goto(f"/konsultacje/{cid}/prowadzenie/moderacja")
    page.locator(f"#comment-{late}").get_by_label("Uzasadnienie decyzji").fill("zgodne z regulaminem")
    page.locator(f"#comment-{late}").get_by_role("button", name="Zapisz decyzję").click()
    assert page.get_by_text("Kolejka jest pusta.").is_visible()

    # -- the remarks: grouped like the report; the open answer marked; one reply for two alike remarks
    page.get_by_role("link", name="Uwagi", exact=True).click()
    assert [h.inner_text() for h in page.locator(".remark-group h2").all()] == [
        "Dokument „Projekt przebudowy placu” — fragment 1. Zieleń",
        "Dokument „Projekt przebudowy placu” — fragment 2. Ławki"]
    page.get_by_role("button", name="Oznacz jako uwagę").click()
    assert page.get_by_text("Odpowiedź oznaczona jako uwaga.").is_visible()
    assert page.get_by_role("heading", name="Ankieta — pytanie q1: Czego brakuje na placu?").is_visible()
    at_desk_and_phone(page, axe, "remarks")
    remarks = {r["source"]: r for r in api(gateway, "GET", f"/consultations/{cid}/remarks", official_headers).json()}
    lead, alike = remarks[shade], remarks[backs]
    form = page.locator(f"#remark-{lead['id']}")
    form.get_by_label("Rozstrzygnięcie").select_option("partly_accepted")
    form.get_by_label("Odpowiedź miasta z uzasadnieniem").fill("Ustawimy ławki z oparciami, połowę w cieniu lip.")
    form.get_by_label(f"nr {alike['number']}:", exact=False).check()
    form.get_by_role("button", name="Zapisz odpowiedź").click()
    assert page.get_by_text("Odpowiedź zapisana; czeka na zatwierdzenie.").is_visible()
    assert f"odpowiedź wspólna z uwagą nr {lead['number']}" in page.locator(f"#remark-{alike['id']}").inner_text()
    for remark in remarks.values():
        if remark["id"] in (lead["id"], alike["id"]):
            continue
        form = page.locator(f"#remark-{remark['id']}")
        form.get_by_label("Rozstrzygnięcie").select_option("accepted")
        form.get_by_label("Odpowiedź miasta z uzasadnieniem").fill(f"Uwzględniamy uwagę nr {remark['number']}.")
        form.get_by_role("button", name="Zapisz odpowiedź").click()
        assert page.get_by_text("Odpowiedź zapisana; czeka na zatwierdzenie.").is_visible()
    while page.get_by_role("button", name="Zatwierdź odpowiedź").count():
        page.get_by_role("button", name="Zatwierdź odpowiedź").first.click()
        assert page.get_by_text("Odpowiedź zatwierdzona.").is_visible()

    page.get_by_role("link", name="Raport", exact=True).click()
    page.get_by_role("button", name="Utwórz nową wersję").click()
    assert page.get_by_text("Utworzono nową wersję raportu.").is_visible()
    page.get_by_role("button", name="Opublikuj wersję 1").click()
    assert page.get_by_text("Raport opublikowany").is_visible()

    # -- the published report: every remark with its answer, under its section or question; what was hidden
    page.goto(f"/konsultacje/{cid}/raport")
    final = api(gateway, "GET", f"/consultations/{cid}/remarks").json()
    assert len(final) == 4 and page.get_by_text("4 uwagi; każda ma odpowiedź.").is_visible()
    for remark in final:
        item = page.locator(f"#remark-{remark['id']}")
        assert remark["body"] in item.inner_text() and remark["reply"] in item.inner_text()
        assert f"Uwaga nr {remark['number']}" in item.inner_text()
    assert f"Ta odpowiedź dotyczy też uwag nr {alike['number']}." in page.locator(f"#remark-{lead['id']}").inner_text()
    assert "Moderacja ukryła 1 komentarz (nie jest uwagą w raporcie): reklama (1)." in \
        page.locator("#moderation-summary").inner_text()
    assert "Tanie ławki" not in page.content()
    headings = [h.inner_text() for h in page.locator("#remarks-heading ~ h3").all()]
    assert headings == ["Dokument „Projekt przebudowy placu” — fragment 1. Zieleń",
                        "Dokument „Projekt przebudowy placu” — fragment 2. Ławki",
                        "Ankieta — pytanie q1: Czego brakuje na placu?"]
    at_desk_and_phone(page, axe, "report")
    page.context.close()

    # each participant is mailed the answer to their own remark (issue 27, point 3)
    told = wait_until(lambda: [m for m in mails_to(platform.mail_dir, anna.email)
                               if "raport z konsultacji" in m["Subject"]], timeout=30, message="the report's answer by mail")
    body = told[0].get_content()
    assert f"- Uwaga nr {lead['number']}: uwzględniona częściowo. Odpowiedź: Ustawimy ławki z oparciami" in body
    assert f"/konsultacje/{cid}/raport" in body and "/konto/powiadomienia/wypisz/" in body
