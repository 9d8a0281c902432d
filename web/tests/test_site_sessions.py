"""The site's sessions as an attacker tries them (issue 24): a session id planted before login, sessions that
outlive a password reset or a deleted account, CR/LF in `next`, and logins that end after idling or after
their absolute limit — through nginx to the real site and services, as a browser's cookies would go."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from glos_testing import PROFILE, seed_account, wait_until
from site_kit import wait_for_link

from glos_web import create_app
from glos_web.config import WebSettings

PASSWORD = "haslo-sesji-na-stronie-123"
COOKIE = "glos_session"
WEB_STATIC = Path(__file__).resolve().parents[1] / "static"  # the test stack speaks plain HTTP; behind HTTPS it is __Host-glos_session


def csrf_of(page: requests.Response | str) -> str:
    text = page if isinstance(page, str) else page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def post(browser: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """A form sent as a browser would, waiting out the gateway's login limit (2/s per address — every test of
    the suite comes from 127.0.0.1)."""
    for _ in range(20):
        answer = browser.post(url, data=data, allow_redirects=False, timeout=15, **kwargs)
        if answer.status_code != 429:
            return answer
        time.sleep(float(answer.headers.get("Retry-After", 1)))
    return answer


def login_page(gateway: str, browser: requests.Session) -> requests.Response:
    """The login form, come back to until the gateway's login limit (which covers the page too, and which every
    test of the suite shares from 127.0.0.1) lets it through — as a person reloads a "too many attempts" page."""
    return wait_until(lambda: (r := browser.get(f"{gateway}/konto/logowanie", timeout=15)).status_code != 429 and r,
                      timeout=60, interval=1, message="the login page past the gateway's login limit")


def log_in(gateway: str, browser: requests.Session, email: str, password: str = PASSWORD, next_: str = "") -> \
        requests.Response:
    form = login_page(gateway, browser)
    answer = post(browser, f"{gateway}/konto/logowanie",
                  {"csrf_token": csrf_of(form), "email": email, "password": password, "next": next_})
    assert answer.status_code == 302, answer.text[:500]
    return answer


def signed_in(gateway: str, browser: requests.Session) -> bool:
    """The account page answers (200) only to a signed-in browser; anyone else is sent to the login page."""
    answer = browser.get(f"{gateway}/konto/", allow_redirects=False, timeout=15)
    assert answer.status_code in (200, 302), answer.status_code
    return answer.status_code == 200


def new_account() -> str:
    email = f"sesja-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, PASSWORD)
    return email


def with_cookie(value: str) -> requests.Session:
    browser = requests.Session()
    browser.cookies.set(COOKIE, value, domain="127.0.0.1", path="/")
    return browser


def test_a_session_id_planted_before_login_is_worthless_after_it_and_after_logout(gateway):
    """Issue 24 (1): the planted `glos_session` was the victim's after they logged in (their PESEL page)."""
    email = new_account()
    planted = uuid.uuid4().hex + uuid.uuid4().hex
    victim = with_cookie(planted)
    log_in(gateway, victim, email)
    after_login = victim.cookies.get(COOKIE)
    assert after_login and after_login != planted
    assert signed_in(gateway, victim)
    assert not signed_in(gateway, with_cookie(planted))  # the attacker's copy of the planted id
    # logging out gives a new id too, and the signed-in one is worth nothing any more
    page = victim.get(f"{gateway}/konto/", timeout=15)
    out = post(victim, f"{gateway}/konto/wyloguj", {"csrf_token": csrf_of(page)})
    assert out.status_code == 302
    assert victim.cookies.get(COOKIE) not in (None, after_login)
    assert not signed_in(gateway, with_cookie(after_login))
    assert not signed_in(gateway, victim)


def test_a_password_reset_on_the_site_ends_the_account_s_every_site_session_at_once(gateway, platform):
    """Issue 24 (2): another session downloaded the person's data 2 minutes after the reset."""
    email = new_account()
    owner, other = requests.Session(), requests.Session()
    log_in(gateway, owner, email)
    log_in(gateway, other, email)
    assert other.get(f"{gateway}/konto/moje-dane.json", timeout=15).status_code == 200
    form = owner.get(f"{gateway}/konto/nie-pamietam-hasla", timeout=15)
    assert post(owner, f"{gateway}/konto/nie-pamietam-hasla", {"csrf_token": csrf_of(form), "email": email}) \
        .status_code == 200
    link = wait_for_link(platform.mail_dir, email, r"http://\S+/konto/nowe-haslo\?token=\S+")
    link = gateway + urlsplit(link).path + "?" + urlsplit(link).query
    form = owner.get(link, timeout=15)
    changed = post(owner, link, {"csrf_token": csrf_of(form), "password": "Nowe-haslo-sesji-456",
                                 "password_again": "Nowe-haslo-sesji-456"})
    assert changed.status_code == 302 and "/konto/logowanie" in changed.headers["Location"], changed.text[:300]
    # the other browser is out at its very next request — its data page sends it to the login page
    data = other.get(f"{gateway}/konto/moje-dane.json", allow_redirects=False, timeout=15)
    assert data.status_code == 302 and "/konto/logowanie" in data.headers["Location"]
    assert not signed_in(gateway, other) and not signed_in(gateway, owner)
    log_in(gateway, owner, email, "Nowe-haslo-sesji-456")
    assert signed_in(gateway, owner)


def test_a_reset_done_elsewhere_ends_the_site_session_at_its_next_request_with_a_word_why(gateway):
    """The reset made through the API (an app, another site): the site learns it from identity-svc refusing
    the login's token, and ends the login there and then instead of showing an error page."""
    email = new_account()
    browser = requests.Session()
    log_in(gateway, browser, email)
    assert signed_in(gateway, browser)
    identity = f"http://127.0.0.1:{PROFILE.service_port('identity')}"
    requests.post(f"{identity}/password-reset", json={"email": email}, timeout=10)
    link = wait_for_link(PROFILE.mail_dir, email, r"token=\S+")
    assert requests.post(f"{identity}/password-reset/confirm", timeout=10,
                         json={"token": link.removeprefix("token="), "password": "Inne-nowe-haslo-789"}).status_code == 200
    page = browser.get(f"{gateway}/konto/", timeout=15)  # follows the redirect to the login page
    assert urlsplit(page.url).path == "/konto/logowanie"  # at once: not after the token's 15 minutes
    assert "sesja została zakończona" in page.text


def test_deleting_the_account_ends_its_sessions_in_every_browser(gateway):
    email = new_account()
    owner, other = requests.Session(), requests.Session()
    log_in(gateway, owner, email)
    log_in(gateway, other, email)
    form = owner.get(f"{gateway}/konto/usun", timeout=15)
    gone = post(owner, f"{gateway}/konto/usun", {"csrf_token": csrf_of(form), "confirm": "yes", "password": PASSWORD})
    assert gone.status_code == 302, gone.text[:300]
    assert not signed_in(gateway, other)


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/%0aLocation:%20https://evil.example",
                                    "/konto/%0d", "//evil.example/", "https://evil.example/"])
def test_an_unsafe_next_is_replaced_by_the_default_page_never_a_500(gateway, target):
    """Issue 24 (5): CR/LF in `next` gave a 500 on /jezyk/en and on the login (where the login still went
    through)."""
    switched = requests.get(f"{gateway}/jezyk/en?next={target}", allow_redirects=False, timeout=15)
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    assert "x=1" not in switched.headers.get("Set-Cookie", "")
    browser = requests.Session()
    form = login_page(gateway, browser)
    email = new_account()
    answer = post(browser, f"{gateway}/konto/logowanie?next={target}",
                  {"csrf_token": csrf_of(form), "email": email, "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"] == "/konto/", answer.text[:300]
    assert signed_in(gateway, browser)


def test_the_dev_stack_s_plain_http_cookie_is_httponly_and_samesite(gateway):
    browser = requests.Session()
    page = login_page(gateway, browser)
    assert page.status_code == 200, page.status_code
    header = page.headers["Set-Cookie"]
    assert header.startswith(f"{COOKIE}=") and "HttpOnly" in header and "SameSite=Lax" in header


def test_behind_https_the_cookie_is_host_prefixed_and_secure(platform, monkeypatch):
    """Issue 24 (3): `glos_session` was Secure only by a setting. Served over HTTPS (the public address says so),
    the cookie is `__Host-`: Secure, for the whole site, from this host only — no sibling subdomain can plant it."""
    for name, value in {"WEB_SECRET_KEY": "test-only", "REDIS_URL": f"redis://127.0.0.1:{platform.redis_port}/0",
                        "IDENTITY_API_URL": "http://127.0.0.1:9", "PROPOSALS_API_URL": "http://127.0.0.1:9",
                        "VOTING_API_URL": "http://127.0.0.1:9", "CONSULTATION_API_URL": "http://127.0.0.1:9",
                        "PUBLIC_URL": "https://budzet.example.pl"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WEB_SECURE_COOKIES", raising=False)
    client = create_app(WebSettings.from_env()).test_client()
    header = client.get("/jezyk/en", base_url="https://budzet.example.pl").headers["Set-Cookie"]
    assert header.startswith("__Host-glos_session=")
    assert "; Secure" in header and "; Path=/" in header and "Domain=" not in header and "HttpOnly" in header


# --------------------------------------------------------------------------- idle and absolute limits


class MovableClock:
    """The site's clock for a login's limits, moved by the test instead of slept through."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def site_and_clock(platform):
    """The site in-process (Flask's test client) with its production limits (staff idle 15 min / at most 8 h,
    residents idle 60 min), against the real identity-svc and the test stack's Redis, on a clock the test moves."""
    service = {svc: f"http://127.0.0.1:{platform.service_port(svc)}"
               for svc in ("identity", "proposals", "voting", "consultation")}
    settings = WebSettings(
        secret_key="test-only-session-limits", redis_url=f"redis://127.0.0.1:{platform.redis_port}/0",
        identity_url=service["identity"], proposals_url=service["proposals"], voting_url=service["voting"],
        consultation_url=service["consultation"], public_url="http://127.0.0.1")
    assert (settings.staff_idle_s, settings.staff_max_s, settings.resident_idle_s) == (900, 8 * 3600, 3600)
    app = create_app(settings)
    clock = MovableClock()
    app.extensions["glos_web.clock"] = clock
    return app, clock


def client_log_in(app, email: str, password: str):
    client = app.test_client()
    form = client.get("/konto/logowanie").get_data(as_text=True)
    answer = client.post("/konto/logowanie", data={"csrf_token": csrf_of(form), "email": email,
                                                   "password": password})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def test_a_staff_login_ends_after_its_idle_limit_and_a_resident_s_lasts_longer(site_and_clock, accounts):
    """Issue 24 (7): the session lived 8 hours and slid with every change, with no absolute cap."""
    site, clock = site_and_clock
    staff = client_log_in(site, *accounts["official"])
    resident = client_log_in(site, *accounts["resident"])
    assert staff.get("/konto/").status_code == 200 and resident.get("/konto/").status_code == 200
    clock.advance(14 * 60)  # within the staff's 15 minutes: still signed in
    assert staff.get("/konto/").status_code == 200
    clock.advance(16 * 60)  # 16 minutes since the staff's last page, 30 since the resident's
    assert resident.get("/konto/").status_code == 200
    ended = staff.get("/konto/", follow_redirects=True)
    assert ended.request.path == "/konto/logowanie"
    assert "bez aktywności" in ended.get_data(as_text=True)
    clock.advance(61 * 60)  # the resident's hour without a page
    ended = resident.get("/konto/", follow_redirects=True)
    assert ended.request.path == "/konto/logowanie" and "bez aktywności" in ended.get_data(as_text=True)


def test_an_active_staff_login_still_ends_at_its_absolute_limit(site_and_clock, accounts):
    site, clock = site_and_clock
    staff = client_log_in(site, *accounts["official"])
    statuses = []
    for _ in range(7 * 6 + 5):  # active for 7 h 50 min: a page every 10 minutes, never 15 idle
        clock.advance(10 * 60)
        statuses.append(staff.get("/konto/").status_code)
    assert set(statuses) == {200}
    clock.advance(10 * 60)  # 8 h since the login
    ended = staff.get("/konto/", follow_redirects=True)
    assert ended.request.path == "/konto/logowanie" and "ponownie" in ended.get_data(as_text=True)


# --------------------------------------------------------------------------- the warning before the idle limit


@pytest.fixture
def served_site(site_and_clock):
    """The site with the movable clock, served over HTTP for Chromium (its static files as nginx serves them)."""
    import threading

    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.serving import make_server

    app, clock = site_and_clock
    server = make_server("127.0.0.1", 0, SharedDataMiddleware(app, {"/static": str(WEB_STATIC)}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", clock
    server.shutdown()


def test_a_resident_is_warned_before_the_idle_limit_and_asking_keeps_no_one_signed_in(page, served_site,
                                                                                       accounts):
    """Issue 23 (6): a session about to expire warns before unsaved choices are lost. The page asks the site how
    long is left — asking is not activity, so an unattended page does not keep its login alive — and "stay"
    is. The site's clock and the page's are moved together."""
    site, clock = served_site
    page.clock.install()
    page.goto(f"{site}/konto/logowanie")
    page.get_by_label("Adres e-mail").fill(accounts["resident"][0])
    page.get_by_label("Hasło").fill(accounts["resident"][1])
    page.get_by_role("button", name="Zaloguj się").click()
    page.goto(f"{site}/konto/")
    warning = page.locator("#session-warning")
    assert warning.is_hidden()

    def minutes_pass(minutes: int) -> None:
        clock.advance(minutes * 60)
        page.clock.fast_forward(minutes * 60 * 1000)

    minutes_pass(56)  # four minutes before the hour without activity
    warning.wait_for(state="visible")
    assert "Za kilka minut wylogujemy Cię" in warning.inner_text()
    page.get_by_role("button", name="Zostaję zalogowany(-a)").click()
    warning.wait_for(state="hidden")
    minutes_pass(59)  # the page asks at 55 minutes; the site says one is left
    warning.wait_for(state="visible")
    minutes_pass(2)  # nobody answered: asking kept nothing alive
    # a locator's wait, not wait_for_function: the page's CSP (script-src 'self') refuses the eval it polls with
    page.locator("#session-warning", has_text="Wylogowano Cię").wait_for()
    page.goto(f"{site}/konto/")
    assert page.url.startswith(f"{site}/konto/logowanie") and "bez aktywności" in page.content()
