"""Census import benchmark: generate a register of N residents (1% broken rows) and import it through the
gateway's census endpoint, as an office would; print rows/s and the report's counts. Figures, not a test.

    ./glos up     (or any running stack)
    .venv/bin/python identity-svc/benchmarks/census_import_benchmark.py --profile dev --rows 100000
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


if __name__ == "__main__":
    raise SystemExit(main())
