"""The site in a real browser: Debian's Chromium driven by Playwright (pytest-playwright), against the real
test stack through nginx, with axe-core checking WCAG 2.1 A and AA on every page a journey visits.

No request may leave 127.0.0.1: every other one is aborted, recorded, and fails the test.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

sys.path.insert(0, str(Path(__file__).resolve().parent))  # site_kit (pytest runs in importlib mode)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Debian's Chromium, never a browser Playwright downloads; the flags keep it off the (closed) network
    return {"executable_path": CHROMIUM, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def browser_context_args(gateway):
    return {"locale": "pl-PL", "base_url": gateway, "timezone_id": "Europe/Warsaw"}


# Any URL but the loopback's and data: URLs. A regular expression (not a function) is matched inside the browser's
# driver, so the site's own requests are never paused for a round trip to this process: the guard costs nothing
# on the pages under test (intercepting every request cost the run tens of CPU-seconds).
NOT_LOOPBACK = re.compile(r"^(?!(?:https?://(?:127\.0\.0\.1|localhost)(?::\d+)?/|data:))")


class OutsideRequests(list):
    """Every request for an address other than the loopback one: aborted and kept, to fail the test."""

    def guard(self, context) -> None:
        def route(route):
            host = urlsplit(route.request.url).hostname
            if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.append(route.request.url)
                route.abort()
        context.route(NOT_LOOPBACK, route)


@pytest.fixture
def outside():
    found = OutsideRequests()
    yield found
    assert not found, f"requests left 127.0.0.1: {found}"


@pytest.fixture
def context(browser, browser_context_args, outside):
    ctx = browser.new_context(**browser_context_args)
    outside.guard(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def no_js_context(browser, browser_context_args, outside):
    ctx = browser.new_context(**browser_context_args, java_script_enabled=False)
    outside.guard(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    p.set_default_timeout(15_000)
    return p


@pytest.fixture
def no_js_page(no_js_context):
    p = no_js_context.new_page()
    p.set_default_timeout(15_000)
    return p


_axe = Axe()


class Accessibility:
    """axe-core on the page as it is now; a page that has any WCAG 2.1 A/AA violation fails the test."""

    def check(self, page, *, scripts: bool = True) -> None:
        """With `scripts=False` (a page loaded with JavaScript off) the same HTML is checked in a context where
        axe, itself a script, can run; the page's own scripts then run too, but find the same markup."""
        if scripts:
            self._run(page, page.url)
            return
        html, url = page.content(), page.url
        checker = page.context.browser.new_context(locale="pl-PL")
        try:
            probe = checker.new_page()
            probe.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
            probe.goto(url)
            self._run(probe, url)
        finally:
            checker.close()

    def _run(self, page, url: str) -> None:
        result = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = result.response["violations"]
        assert not violations, f"axe: {url}\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations)


@pytest.fixture
def axe():
    return Accessibility()
