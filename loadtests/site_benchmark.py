"""The site benchmark: page latency through nginx + glos-web, and ballots per second cast through the site
(the resident's whole ballot: start, each area's form, the summary, the cast with its credential, the receipt)
beside ballots cast straight on the API's vote path — measured in the same run, by the same load generator.

    .venv/bin/python loadtests/site_benchmark.py            # against the running test stack (./glos test
                                                            # with GLOS_KEEP_STACK=1, or devstack start)

1. A frozen edition (Katowice 2020 city-wide and Dąb, phase "voting"), made-up residents with accounts
   (identity-svc seed-residents), and made-up voters' credentials for the API baseline (seed-voters).
2. Pages: N threads, each a logged-in resident, fetch home → edition → projects (random order) → a project
   → the ballot's first area for a few seconds; p50/p95/p99 per page.
3. Votes through the site: N threads, each taking residents in turn: log in (not timed) and vote (timed).
4. Votes on the API: N threads POST …/votes, each ballot with its own credential (what the site does last).

Prints the figures and writes JSON to loadtests/results/. It measures; it does not pass or fail on time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "devstack"))
sys.path.insert(0, str(REPO / "voting-svc" / "tests"))

import stack  # noqa: E402
from loadtests import site_flow  # noqa: E402

PASSWORD = "haslo-obciazenie-2027"
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "approval", "min_projects": 1, "max_projects": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy", "tie_break": ["draw"], "draw_seed_sha256": hashlib.sha256(b"bench").hexdigest()},
    "eligibility": {"voting_day": "2027-09-20", "residency": "either"},
}


class Gateway(requests.Session):
    """A requests.Session on relative paths that accepts Locust's `name=` (so site_flow runs unchanged)."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def request(self, method, url, *args, name=None, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base + url if url.startswith("/") else url, *args, **kwargs)


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * pick(0.95),
            "p99_ms": 1000 * pick(0.99)}


def seed(command: str, edition: str | None, districts: list[str], tmp: Path, *extra: str) -> list[str]:
    import subprocess

    listing, out = tmp / f"{command}.txt", tmp / f"{command}.out"
    listing.write_text("\n".join(districts) + "\n", encoding="utf-8")
    subprocess.run([str(stack.VENV_BIN / "identity-svc"), command, *([edition] if edition else []), str(listing),
                    "--out", str(out), *extra], check=True, capture_output=True, timeout=900)
    return out.read_text().split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="test", choices=sorted(stack.PROFILES))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10, help="for the pages and for each vote phase")
    parser.add_argument("--residents", type=int, default=600, help="accounts for the votes through the site")
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    os.environ.update(stack.service_env(profile))
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    # logins (not measured) go to glos-web itself: the gateway's login zone would refuse hundreds from one address
    direct = f"http://127.0.0.1:{profile.service_port('web')}"

    from glos_testing import login, seed_account
    from voting_kit import DATA, frozen_edition

    seed_account("benchmark@glos.local", "benchmark-haslo-123456", roles="pb_official,coordinator")
    official = {"Authorization": f"Bearer {login(gateway, 'benchmark@glos.local', 'benchmark-haslo-123456')}"}
    edition, _areas = frozen_edition(gateway, official, [DATA / "Poland_Katowice_2020.pb",
                                                         DATA / "Poland_Katowice_2020_Dab.pb"], RULES,
                                     name=f"BO benchmark strony {uuid.uuid4().hex[:6]}", year=2027)
    requests.post(f"{gateway}/api/proposals/editions/{edition}/phase", headers=official, timeout=10,
                  json={"phase": "voting", "reason": "benchmark"}).raise_for_status()
    ballot = requests.get(f"{gateway}/api/voting/editions/{edition}/ballot", timeout=10).json()
    proposals = [p["proposal_id"] for a in ballot["areas"] for p in a["projects"]]
    city = next(a for a in ballot["areas"] if a["kind"] == "city")
    with tempfile.TemporaryDirectory() as tmp:
        residents = seed("seed-residents", None, ["Dąb"] * args.residents, Path(tmp), "--password", PASSWORD)
        credentials = seed("seed-voters", edition, ["Dąb"] * 20000, Path(tmp))
    print(f"prepared: edition {edition}, {len(residents)} residents, {len(credentials)} credentials")

    # ---- pages
    page_times: dict[str, list[float]] = {}
    lock = threading.Lock()
    pool_residents = iter(residents)

    def take() -> str | None:
        with lock:
            return next(pool_residents, None)

    def pages_worker(stop_at: float) -> int:
        client = Gateway(gateway)
        site_flow.log_in(client, take(), PASSWORD, direct=direct)
        rnd, n = random.Random(), 0
        area = ballot["areas"][0]["area_id"]
        paths = [("/", "home"), (f"/edycje/{edition}", "edition"), (f"/edycje/{edition}/projekty?order=random", "projects"),
                 (None, "project"), (f"/edycje/{edition}/glosowanie/obszar/{area}", "ballot area")]
        while time.monotonic() < stop_at:
            for path, label in paths:
                path = path or f"/edycje/{edition}/projekty/{rnd.choice(proposals)}"
                started = time.perf_counter()
                r = client.get(path)
                elapsed = time.perf_counter() - started
                if r.status_code == 200:
                    with lock:
                        page_times.setdefault(label, []).append(elapsed)
                n += 1
        return n

    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        served = sum(pool.map(pages_worker, [started + args.seconds] * args.threads))
    pages_elapsed = time.monotonic() - started

    # ---- votes through the site
    site_times: list[float] = []
    site_errors = 0

    def site_worker(stop_at: float) -> None:
        nonlocal site_errors
        rnd = random.Random()
        while time.monotonic() < stop_at:
            email = take()
            if email is None:
                return
            client = Gateway(gateway)
            try:
                site_flow.log_in(client, email, PASSWORD, direct=direct)
                begun = time.perf_counter()
                site_flow.vote(client, edition, ballot, rnd)
                with lock:
                    site_times.append(time.perf_counter() - begun)
            except (site_flow.JourneyError, requests.RequestException):
                with lock:
                    site_errors += 1

    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(site_worker, [started + args.seconds] * args.threads))
    site_elapsed = sum(site_times) / args.threads if site_times else 0.0  # time spent voting, per thread

    # ---- votes on the API
    api_times: list[float] = []
    api_errors = 0
    pool_credentials = iter(credentials)
    body = {"parts": [{"area_id": city["area_id"], "choices": [{"project_id": city["projects"][0]["proposal_id"],
                                                                "points": 3}]}]}

    def api_worker(stop_at: float) -> None:
        nonlocal api_errors
        http = requests.Session()
        while time.monotonic() < stop_at:
            with lock:
                credential = next(pool_credentials, None)
            if credential is None:
                return
            begun = time.perf_counter()
            r = http.post(f"{gateway}/api/voting/editions/{edition}/votes", json=body, timeout=30,
                          headers={"Authorization": f"Bearer {credential}", "Idempotency-Key": uuid.uuid4().hex})
            with lock:
                if r.status_code == 201:
                    api_times.append(time.perf_counter() - begun)
                else:
                    api_errors += 1

    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(api_worker, [started + args.seconds] * args.threads))
    api_elapsed = time.monotonic() - started

    site_rate = len(site_times) / site_elapsed if site_elapsed else 0.0
    api_rate = len(api_times) / api_elapsed
    report = {
        "machine": {"cpus": os.cpu_count(), "when": datetime.now(UTC).isoformat()}, "threads": args.threads,
        "pages": {"served": served, "per_s": served / pages_elapsed,
                  **{label: percentiles(times) for label, times in page_times.items()},
                  "all": percentiles([t for times in page_times.values() for t in times])},
        "votes_site": {"accepted": len(site_times), "errors": site_errors, "per_s": site_rate,
                       **percentiles(site_times)},
        "votes_api": {"accepted": len(api_times), "errors": api_errors, "per_s": api_rate, **percentiles(api_times)},
        "ratio_site_to_api": site_rate / api_rate if api_rate else None,
    }
    print(f"\npages through nginx + glos-web ({args.threads} logged-in residents): {report['pages']['per_s']:.0f} pages/s")
    for label in ("home", "edition", "projects", "project", "ballot area"):
        p = report["pages"].get(label, {"n": 0})
        if p["n"]:
            print(f"  {label:12} p50 {p['p50_ms']:6.1f} ms   p95 {p['p95_ms']:6.1f} ms   p99 {p['p99_ms']:6.1f} ms   (n={p['n']})")
    s, a = report["votes_site"], report["votes_api"]
    if s.get("n"):
        print(f"votes through the site : {s['per_s']:6.1f}/s   whole ballot p50 {s['p50_ms']:.0f} ms, "
              f"p99 {s['p99_ms']:.0f} ms   ({s['accepted']} accepted, {s['errors']} errors)")
    if a.get("n"):
        print(f"votes on the API       : {a['per_s']:6.1f}/s   POST …/votes p50 {a['p50_ms']:.0f} ms, "
              f"p99 {a['p99_ms']:.0f} ms   ({a['accepted']} accepted, {a['errors']} errors)")
    if report["ratio_site_to_api"]:
        print(f"ratio site / API       : {report['ratio_site_to_api']:.2f}")
    out = REPO / "loadtests" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"site_benchmark-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(f"written: loadtests/results/site_benchmark-{stamp}.json")
    return 0 if site_errors == 0 and api_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
