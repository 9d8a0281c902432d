"""Mail about one's proposal, end to end (issue 23 point 8): a resident submits a proposal and the office rejects
it formally — two mails arrive through the real path (proposals-svc's outbox → Kafka → identity-svc's notifier →
its mail outbox → SMTP), Polish first, with the reasons and a one-click unsubscribe link. The link opens a page
(a GET changes nothing), one button unsubscribes; the next step mails no one; the account page turns it back
on. Each page checked at 1366 px and on a 360 px phone, with axe."""

from __future__ import annotations

import re

import pytest

from glos_testing import new_resident, wait_until
from site_kit import (at_desk_and_phone, formal_verification, log_in, mails_to, new_page, proposals_edition,
                      submitted_proposal)

pytestmark = pytest.mark.platform


def _mails(platform, address: str, count: int) -> list:
    return wait_until(lambda: found if len(found := mails_to(platform.mail_dir, address)) >= count else None,
                      timeout=30, message=f"{count} mail(s) for {address}")


def test_mail_about_a_proposal_and_unsubscribing_in_one_click(browser, browser_context_args, outside, axe, gateway,
                                                              official_headers, platform):
    edition = proposals_edition(gateway, official_headers)
    resident = new_resident(gateway, "Dąb")
    proposal = submitted_proposal(gateway, edition, resident, "Ławki nad stawem")
    formal_verification(gateway, official_headers, proposal, passed=False)
    submitted, rejected = _mails(platform, resident.email, 2)
    assert submitted["Subject"] == "Głos: wniosek „Ławki nad stawem” złożony / proposal “Ławki nad stawem” submitted"
    assert rejected["Subject"].startswith("Głos: wniosek „Ławki nad stawem” — ocena formalna negatywna")
    body = rejected.get_content()
    assert ": Teren nie należy do miasta.\n" in body.replace("\r\n", "\n") and "Możesz się odwołać do " in body
    assert body.index("Powody") < body.index("— English —")
    assert rejected["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://\S+/api/identity/notifications/unsubscribe/\S+>", rejected["List-Unsubscribe"])
    link = re.search(r"http://\S+/konto/powiadomienia/wypisz/\S+", body).group(0)

    page = new_page(browser, {**browser_context_args, "viewport": {"width": 1366, "height": 800}}, outside)
    page.goto(link.replace(gateway, ""))  # as from the mail: no login needed
    assert page.get_by_role("heading", level=1).inner_text() == "Wypisanie z powiadomień"
    at_desk_and_phone(page, axe, "unsubscribe")
    page.reload()  # opening the link (or a scanner following it) unsubscribes no one
    log_in(page, resident.email, "/konto/", "haslo-mieszkanca-123456")
    assert page.get_by_text("Powiadomienia są włączone.").is_visible()
    page.goto(link.replace(gateway, ""))
    page.get_by_role("button", name="Wypisz mnie z powiadomień").click()
    assert page.get_by_text("Gotowe: nie będziemy już wysyłać powiadomień").is_visible()
    at_desk_and_phone(page, axe, "unsubscribed")
    page.goto(link.replace(gateway, "")[:-4] + "abcd")
    page.get_by_role("button", name="Wypisz mnie z powiadomień").click()
    assert page.get_by_text("Ten link do wypisania się jest nieważny.").is_visible()

    # the next step mails no one … (its event comes before the next one's on the edition's partition, so had
    # it been mailed, that mail would be in the sink before the one awaited below)
    assert submitted_proposal(gateway, edition, resident, "Fontanna przy szkole")["status"] == "submitted"
    # … until the account page turns notifications back on
    page.goto("/konto/")
    assert page.get_by_text("Powiadomienia są wyłączone.").is_visible()
    at_desk_and_phone(page, axe, "account-notifications")
    page.get_by_role("button", name="Włącz powiadomienia").click()
    assert page.get_by_text("Powiadomienia e-mail włączone.").is_visible()
    submitted_proposal(gateway, edition, resident, "Stojaki na rowery")
    subjects = [m["Subject"] for m in _mails(platform, resident.email, 3)]
    assert subjects[2].startswith("Głos: wniosek „Stojaki na rowery” złożony")
    assert len(subjects) == 3 and not any("Fontanna" in s for s in subjects)
    page.context.close()


def test_without_javascript_the_switch_and_the_unsubscribe_page_work(no_js_page, gateway, official_headers,
                                                                   platform):
    """The same two forms with JavaScript off (plain POSTs): the account page's switch, then the mail's link."""
    page = no_js_page
    resident = new_resident(gateway, "Dąb")
    log_in(page, resident.email, "/konto/", "haslo-mieszkanca-123456")
    page.get_by_role("button", name="Wyłącz powiadomienia").click()
    assert page.get_by_text("Powiadomienia e-mail wyłączone.").is_visible()
    page.get_by_role("button", name="Włącz powiadomienia").click()
    assert page.get_by_text("Powiadomienia są włączone.").is_visible()
    edition = proposals_edition(gateway, official_headers)
    submitted_proposal(gateway, edition, resident, "Tężnia solankowa")
    link = re.search(r"http://\S+/konto/powiadomienia/wypisz/\S+", _mails(platform, resident.email, 1)[0].get_content())
    page.goto(link.group(0).replace(gateway, ""))
    page.get_by_role("button", name="Wypisz mnie z powiadomień").click()
    assert page.get_by_text("Gotowe: nie będziemy już wysyłać powiadomień").is_visible()
    page.goto("/konto/")
    assert page.get_by_text("Powiadomienia są wyłączone.").is_visible()
