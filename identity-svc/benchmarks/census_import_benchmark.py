"""Census import benchmark: generate a register of N residents (1% broken rows) and import it through the
gateway, as an office would; print rows/s and the report's counts. Figures, not a test.

    ./glos up     (or any running stack)
    .venv/bin/python identity-svc/benchmarks/census_import_benchmark.py --profile dev --rows 100000
    .venv/bin/python identity-svc/benchmarks/census_import_benchmark.py --profile dev --rows 300000 --background

`--background` uses `POST /census/imports` (what the site does): the time to the 202, the whole import read
off its progress (polled every 0.2 s, as the page's script does every second), how many distinct progress
readings an office would have seen, and the status reads' latency. The synchronous endpoint holds one request
open for the whole import, which the gateway cuts after 30 s — the reason the site imports in the background.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "devstack"))
import stack  # noqa: E402
from glos_testing import make_pesel  # noqa: E402

DISTRICTS = ["Śródmieście", "Koszutka", "Dąb", "Zawodzie", "Ligota-Panewniki", "Giszowiec", "Murcki", "Podlesie"]


def generate(rows: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = ["pesel;first_name;last_name;district"]
    for i in range(rows):
        if i % 100 == 99:
            lines.append(f"{rng.randint(10**10, 10**11 - 1)};Jan;Zły;Dąb")  # almost surely an invalid PESEL
            continue
        year = rng.randint(1930, 2012)
        pesel = make_pesel(year, rng.randint(1, 12), rng.randint(1, 28), i % 10000)
        lines.append(f"{pesel};Imię{i};Nazwisko{i};{rng.choice(DISTRICTS)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="dev", choices=sorted(stack.PROFILES))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--background", action="store_true", help="POST /census/imports and follow its progress")
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    email, password = "census-bench@glos.local", "census-benchmark-haslo"
    env = {**__import__("os").environ, **stack.service_env(profile)}
    subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-account", "--email", email, "--password", password,
                    "--name", "Benchmark", "--roles", "pb_official"], check=True, env=env, capture_output=True)
    token = requests.post(f"{gateway}/api/identity/token", json={"email": email, "password": password},
                          timeout=10).json()["access_token"]
    t0 = time.perf_counter()
    body = generate(args.rows).encode()
    generated = time.perf_counter() - t0
    if args.background:
        return background(gateway, token, body, args.rows, generated)
    start = time.perf_counter()
    response = requests.post(f"{gateway}/api/identity/census", params={"reason": "benchmark"}, data=body,
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}, timeout=600)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    report = response.json()
    print(f"rows: {args.rows:,} ({len(body) / 2**20:.1f} MiB, generated in {generated:.1f} s)")
    print(f"import through nginx → identity-svc → PostgreSQL: {elapsed:.2f} s, {args.rows / elapsed:,.0f} rows/s")
    print(f"accepted {report['accepted_rows']:,}, rejected {report['rejected_rows']:,}")
    return 0


def background(gateway: str, token: str, body: bytes, rows: int, generated: float) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    response = requests.post(f"{gateway}/api/identity/census/imports", params={"reason": "benchmark"}, data=body,
                             headers={**headers, "Content-Type": "text/csv"}, timeout=120)
    accepted_after = time.perf_counter() - start
    response.raise_for_status()
    status_url = gateway + response.headers["Location"]
    readings, latencies = set(), []
    deadline = time.monotonic() + 1800  # identity-svc reports an import silent for 2 min as interrupted
    while True:
        t = time.perf_counter()
        state = requests.get(status_url, headers=headers, timeout=10).json()
        latencies.append(time.perf_counter() - t)
        readings.add(state["processed_rows"])
        if state["status"] in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            print(f"the import did not finish in 30 min: {state}")
            return 1
        time.sleep(0.2)  # the poll interval, not a wait for the import
    elapsed = time.perf_counter() - start
    latencies.sort()
    report = state["report"] or {}
    print(f"rows: {rows:,} ({len(body) / 2**20:.1f} MiB, generated in {generated:.1f} s)")
    print(f"202 Accepted after {accepted_after:.2f} s (upload through nginx, columns checked, import queued)")
    print(f"background import {state['status']}: {elapsed:.2f} s in all, {rows / elapsed:,.0f} rows/s")
    print(f"progress: {len(readings)} distinct readings over {len(latencies)} polls; status read p50 "
          f"{latencies[len(latencies) // 2] * 1000:.1f} ms, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
    print(f"accepted {report.get('accepted_rows', 0):,}, rejected {report.get('rejected_rows', 0):,}")
    return 0 if state["status"] == "done" else 1


if __name__ == "__main__":
    raise SystemExit(main())
