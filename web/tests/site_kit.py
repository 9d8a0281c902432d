"""Editions for the site's tests, built through the real APIs as an office would: Katowice 2020's city-wide
pool, Dąb and Załęże imported from Pabulib, rules frozen, the phase set."""

from __future__ import annotations

import email
import hashlib
import re
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "voting-svc" / "tests"))
from voting_kit import DATA, frozen_edition  # noqa: E402
from glos_testing import wait_until  # noqa: E402

SEED = "site-tests-seed"
# Dąb: the budget bar (approval within the pool); city-wide: points (1–3 over at most 3 projects)
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "budget_approval", "min_projects": 1, "max_projects": 5},
    "district_choice": "own",
    "selection": {"rule": "greedy", "tie_break": ["draw"], "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()},
    "eligibility": {"voting_day": "2027-09-20", "residency": "either"},
}
PASSWORD = "haslo-mieszkanca-123456"  # glos_testing.new_resident's


def set_phase(gateway: str, official_headers: dict, edition: str, phase: str) -> None:
    r = requests.post(f"{gateway}/api/proposals/editions/{edition}/phase", headers=official_headers, timeout=10,
                      json={"phase": phase, "reason": "test"})
    assert r.status_code == 200, r.text


def voting_edition(gateway: str, official_headers: dict, name: str) -> dict:
    edition, areas = frozen_edition(gateway, official_headers, [DATA / "Poland_Katowice_2020.pb",
                                                                DATA / "Poland_Katowice_2020_Dab.pb",
                                                                DATA / "Poland_Katowice_2020_Zaleze.pb"],
                                    RULES, name=f"{name} {uuid.uuid4().hex[:6]}", year=2027)
    set_phase(gateway, official_headers, edition, "voting")
    return {"id": edition, "city": areas["Katowice — ogólnomiejski"], "dab": areas["Dąb"],
            "zaleze": areas["Załęże"]}


def proposals_edition(gateway: str, official_headers: dict) -> dict:
    api = f"{gateway}/api/proposals"
    edition = requests.post(f"{api}/editions", headers=official_headers, timeout=10, json={
        "name": f"BO wnioski {uuid.uuid4().hex[:6]}", "city": "Katowice", "year": 2028,
        "settings": {"categories": ["zieleń", "edukacja"]}}).json()
    area = requests.post(f"{api}/editions/{edition['id']}/areas", headers=official_headers, timeout=10,
                         json={"name": "Dąb", "kind": "district", "budget": 600_000, "max_project_cost": 200_000})
    assert area.status_code == 201, area.text
    set_phase(gateway, official_headers, edition["id"], "submission")
    return {**edition, "area": area.json()}


def submitted_proposal(gateway: str, edition: dict, resident, title: str) -> dict:
    """A complete proposal in `edition`'s district area, submitted by `resident` (once their verification reached
    proposals-svc)."""
    draft = requests.post(f"{gateway}/api/proposals/editions/{edition['id']}/proposals", headers=resident.headers,
                          timeout=10, json={
        "title": title, "area_id": edition["area"]["id"], "category": "zieleń",
        "description": "Nowe nasadzenia drzew i krzewów wzdłuż ulicy, z ławkami i koszami na śmieci.",
        "justification": "Ulica nie ma żadnej zieleni ani cienia.", "beneficiaries": "Mieszkańcy osiedla.",
        "universal_design": "Ławki z oparciami, bez progów.", "location_address": "ul. Dębowa 1, Katowice",
        "cost_items": [{"name": "Drzewa", "amount": 80_000}]})
    assert draft.status_code == 201, draft.text
    # the resident's verification reaches proposals-svc as an event: until then a submission is refused (403)
    r = wait_until(lambda: (r := requests.post(f"{gateway}/api/proposals/proposals/{draft.json()['id']}/submission",
                                               headers=resident.headers, timeout=10)).status_code != 403 and r,
                   timeout=30, message="the residency to reach proposals-svc")
    assert r.status_code == 200, r.text
    return r.json()


def formal_verification(gateway: str, official_headers: dict, proposal: dict, passed: bool) -> None:
    """The office's formal assessment: every item met, or the land not the city's."""
    items = {code: {"passed": True, "note": ""} for code in ("complete", "competence", "cost_limit")}
    if not passed:
        items["competence"] = {"passed": False, "note": "Teren nie należy do miasta."}
    r = requests.post(f"{gateway}/api/proposals/proposals/{proposal['id']}/formal-verification",
                      headers=official_headers, timeout=10, json={"items": items, "reason": "ocena formalna"})
    assert r.status_code in (200, 201), r.text


def mails_to(mail_dir, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def wait_for_link(mail_dir, address: str, pattern: str, count: int = 1, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = mails_to(mail_dir, address)
        if len(messages) >= count:
            match = re.search(pattern, messages[count - 1].get_content())
            assert match, messages[count - 1].get_content()
            return match.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no mail for {address} within {timeout}s")


def open_consultation(gateway: str, coordinator: dict, *, capacity: int = 1, **overrides) -> dict:
    """A consultation for Dąb, built as the office would: the survey with every question type (q7 asked only
    of those who never use the square), a document in three sections, one meeting of `capacity` places; open."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "consultation-svc" / "tests"))
    from consultation_kit import EVERY_TYPE, api, new_consultation

    consultation = new_consultation(gateway, coordinator, **overrides)
    cid = consultation["id"]
    assert api(gateway, "PUT", f"/consultations/{cid}/survey", coordinator,
               json={"questions": EVERY_TYPE}).status_code == 200
    document = api(gateway, "POST", f"/consultations/{cid}/documents", coordinator, json={
        "title": "Koncepcja przebudowy placu", "sections": [
            {"heading": "§1", "body": "Plac zostanie wyłożony kostką granitową."},
            {"heading": "§2", "body": "Wzdłuż placu powstanie szpaler 20 lip."},
            {"heading": "§3", "body": "Parking na 30 miejsc zostaje."}]})
    assert document.status_code == 201, document.text
    starts = datetime.now(UTC) + timedelta(days=10)
    meeting = api(gateway, "POST", f"/consultations/{cid}/meetings", coordinator, json={
        "title": "Spacer badawczy po placu", "place": "Plac na Dębie", "starts_at": starts.isoformat(),
        "registration_closes_at": (starts - timedelta(days=1)).isoformat(), "capacity": capacity})
    assert meeting.status_code == 201, meeting.text
    opened = api(gateway, "POST", f"/consultations/{cid}/status", coordinator,
                 json={"status": "open", "reason": "zgodnie z zarządzeniem"})
    assert opened.status_code == 200, opened.text
    return {**opened.json(), "document": document.json(), "meeting": meeting.json()}


def log_in(page, email: str, next_path: str, password: str = PASSWORD) -> None:
    """Through the site's own login form, landing on `next_path`. The gateway limits logins to 2/s per address
    and every test of the suite comes from 127.0.0.1: one that meets the limit (429) waits what Retry-After
    says and tries again, as a person does when the page asks them to."""
    for _ in range(20):
        form = page.goto(f"/konto/logowanie?next={next_path}")
        if form.status != 429:
            page.get_by_label("Adres e-mail").fill(email)
            page.get_by_label("Hasło").fill(password)
            with page.expect_response(lambda r: r.request.method == "POST" and "/konto/logowanie" in r.url) as sent:
                page.get_by_role("button", name="Zaloguj się").click()
            if sent.value.status != 429:
                page.wait_for_load_state()
                return
            form = sent.value
        page.wait_for_timeout(1000 * float(form.headers.get("retry-after", "1")))
    raise AssertionError("the gateway's login limit never let this login through")


def new_page(browser, browser_context_args, outside):
    """A page in a browser context of its own (a second person at the same time), guarded like the others."""
    context = browser.new_context(**browser_context_args)
    outside.guard(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


REVIEWER_PASSWORD = "haslo-recenzenta-123456"


def reviewer_login(gateway, official_headers, code: str) -> str:
    """A new reviewer scoped to `code`; their e-mail (the password is REVIEWER_PASSWORD)."""
    from glos_testing import account_id_of, login, seed_account

    email = f"recenzent-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, REVIEWER_PASSWORD, "resident")
    headers = {"Authorization": f"Bearer {login(gateway, email, REVIEWER_PASSWORD)}"}
    r = requests.post(f"{gateway}/api/identity/accounts/{account_id_of(headers)}/roles", headers=official_headers,
                      timeout=10, json={"role": "department_reviewer", "scope": code, "reason": "pracownik wydziału"})
    assert r.status_code == 200, r.text
    return email


WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.right <= document.documentElement.clientWidth + 1 || r.width === 0) return false;
    for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false;
    return true;
}).slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px): `
                       + (e.textContent || '').trim().slice(0, 60))"""


def no_horizontal_overflow(page) -> None:
    """The page is no wider than the screen; if it is, the message names what sticks out."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (f"{page.url} is {width} px wide",
                                                  page.evaluate(WIDER_THAN_THE_PAGE))


def at_desk_and_phone(page, axe, screenshot: str | None = None) -> None:
    """The page as it is now, checked at 1366 px and on a 360 px phone — axe, and nothing wider than the
    screen — then back to the desk width (one walk instead of one per width: the phone crawl covers every
    page's width on its own). `screenshot` names PNGs under /tmp to look at."""
    desk = page.viewport_size
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": desk["height"] if desk else 900})
        axe.check(page)
        no_horizontal_overflow(page)
        if screenshot:
            page.screenshot(path=f"/tmp/glos-{screenshot}-{width}.png", full_page=True)
    page.set_viewport_size(desk or {"width": 1366, "height": 900})


def goto_until(page, path: str, locator, timeout_s: float = 15) -> None:
    """Open `path` until `locator` is on it: the site caches public lists for a few seconds, so what a test has
    just created may appear a moment later, as for a person who reloads."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.goto(path)
        if locator.count() or time.monotonic() > deadline:
            return
        page.wait_for_timeout(500)
