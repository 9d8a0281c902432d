"""A resident's journey through the site (glos-web) as HTTP requests: log in, browse, fill in the ballot area by
area within the frozen rules, confirm, read the receipt. Shared by the Locust journey (site_journey.py) and the
site benchmark (site_benchmark.py); `client` is a requests.Session-like object (Locust's HttpSession is one)
whose paths are relative to the gateway.
"""

from __future__ import annotations

import random
import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code">([0-9a-f]{32})<')
AREA_IN_URL = re.compile(r"/glosowanie/obszar/([0-9a-f-]{36})")


class JourneyError(RuntimeError):
    """A step did not lead where a resident would have been led."""


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise JourneyError("no CSRF token on the page")
    return match.group(1)


def log_in(client, email: str, password: str, *, direct: str = "") -> None:
    """`direct`: glos-web's own address, for a load generator that logs hundreds of residents in from one
    address — through nginx the login zone (2/s per address) would refuse them, as it should. The session
    cookie is the same for both (cookies do not tell ports apart)."""
    page = client.get(f"{direct}/konto/logowanie", name="/konto/logowanie")
    done = client.post(f"{direct}/konto/logowanie", name="/konto/logowanie (POST)", data={
        "csrf_token": _csrf(page.text), "email": email, "password": password, "next": "/konto/"})
    if "/konto/logowanie" in done.url or done.status_code != 200:
        raise JourneyError(f"login failed: HTTP {done.status_code}")


def browse(client, edition_id: str, proposal_ids: list[str], rnd: random.Random) -> None:
    client.get("/", name="/")
    client.get(f"/edycje/{edition_id}", name="/edycje/[id]")
    client.get(f"/edycje/{edition_id}/projekty?order=random", name="/edycje/[id]/projekty")
    client.get(f"/edycje/{edition_id}/projekty/{rnd.choice(proposal_ids)}", name="/edycje/[id]/projekty/[id]")


def _choices(rule: dict, area: dict, rnd: random.Random) -> list[tuple[str, str]]:
    """Form fields choosing a valid set of projects in one area under its rule."""
    projects = list(area["projects"])
    rnd.shuffle(projects)
    if rule["type"] in ("approval", "budget_approval"):
        chosen, spent = [], 0
        for p in projects:
            if len(chosen) >= rule["max_projects"]:
                break
            if rule["type"] == "budget_approval" and spent + p["cost"] > area["budget"]:
                continue
            chosen.append(p)
            spent += p["cost"]
        chosen = chosen[:max(rule["min_projects"], rnd.randint(1, max(1, len(chosen))))]
        return [("project", p["proposal_id"]) for p in chosen]
    if rule["type"] == "cumulative":
        left, fields = rule["max_points"], []
        for p in projects[: rnd.randint(max(1, rule["min_projects"]), rule["max_projects"])]:
            if left <= 0:
                break
            points = rnd.randint(1, left)
            fields.append((f"points-{p['proposal_id']}", str(points)))
            left -= points
        return fields
    return [(f"points-{p['proposal_id']}", str(rank)) for rank, p in enumerate(projects[: rule["max_projects"]], 1)]


def vote(client, edition_id: str, ballot: dict, rnd: random.Random) -> str:
    """The whole ballot through the site; returns the receipt code."""
    areas = {a["area_id"]: a for a in ballot["areas"]}
    start = client.get(f"/edycje/{edition_id}/glosowanie/", name="/edycje/[id]/glosowanie/")
    page = client.post(f"/edycje/{edition_id}/glosowanie/", name="/edycje/[id]/glosowanie/ (POST)",
                       data={"csrf_token": _csrf(start.text)})
    for _ in range(len(areas) + 1):
        match = AREA_IN_URL.search(page.url)
        if not match:
            break
        area = areas[match.group(1)]
        fields = [("csrf_token", _csrf(page.text)), ("go", "next")] + _choices(ballot["rules"][area["kind"]], area, rnd)
        page = client.post(f"/edycje/{edition_id}/glosowanie/obszar/{area['area_id']}", data=fields,
                           name="/edycje/[id]/glosowanie/obszar/[id] (POST)")
        if page.status_code != 200:
            raise JourneyError(f"the area form was refused: HTTP {page.status_code}")
    if not page.url.endswith("/podsumowanie"):
        raise JourneyError(f"expected the summary, got {page.url}")
    receipt = client.post(f"/edycje/{edition_id}/glosowanie/oddaj", name="/edycje/[id]/glosowanie/oddaj (POST)",
                          data={"csrf_token": _csrf(page.text), "final": "yes"})
    match = RECEIPT.search(receipt.text)
    if not match:
        raise JourneyError(f"no receipt after casting: HTTP {receipt.status_code} at {receipt.url}")
    return match.group(1)
