"""Issue 23 (7): on a phone (360 px) the points ballot was 407 px wide, the edition table 577 px, the results
table 520 px. A crawl of the site at 360 px — as a visitor, a resident and an official, following the site's own
links — fails on any page wider than the screen, and on a header taller than a third of it."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from site_kit import log_in, voting_edition

pytestmark = pytest.mark.platform

WIDTH = 360
# what a crawl must not follow: files, the API's own pages, and links that change state or end the login
SKIP = re.compile(r"^/(api/|static/)|\.(csv|zip|json|pdf|pb|html)$|/wyloguj|/jezyk/|/usun")
PER_PATTERN = 2  # of /edycje/<id>/projekty/<id> and alike, two are enough to see the layout
LIMIT = 70


def pattern_of(path: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b|\d+", "#", path)


def crawl(page, start: str, origin: str) -> dict[str, int]:
    """Every page reached from `start` by the site's links (two of each shape): its width where it overflows."""
    seen_patterns: dict[str, int] = {}
    queue, visited, too_wide = deque([start]), set(), {}
    while queue and len(visited) < LIMIT:
        path = queue.popleft()
        if path in visited:
            continue
        pattern = pattern_of(path.split("?")[0])
        if seen_patterns.get(pattern, 0) >= PER_PATTERN:
            continue
        seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
        visited.add(path)
        response = page.goto(path)
        if response is None or response.status >= 400 or not response.headers.get("content-type", "").startswith(
                "text/html"):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide[path] = width
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        if header > 130:  # a compact header: the name, the languages and the menu in two lines
            too_wide[f"{path} (header {header:.0f} px)"] = width
        for href in page.eval_on_selector_all("main a[href], header a[href]", "links => links.map(a => a.href)"):
            target = urldefrag(href).url
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(visited) >= 10, visited
    return too_wide


def test_no_page_is_wider_than_a_phone(page, gateway, official_headers, accounts):
    voting_edition(gateway, official_headers, "BO na telefonie")  # at least one edition open for voting
    page.set_viewport_size({"width": WIDTH, "height": 844})
    too_wide = crawl(page, "/", gateway)
    log_in(page, accounts["resident"][0], "/konto/", accounts["resident"][1])
    too_wide |= crawl(page, "/", gateway)
    assert not too_wide, too_wide


def test_no_office_page_is_wider_than_a_phone(page, gateway, accounts):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, accounts["official"][0], "/urzad/", accounts["official"][1])
    too_wide = crawl(page, "/urzad/", gateway)
    assert not too_wide, too_wide
