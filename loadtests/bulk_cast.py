"""Casting a whole real edition's ballots fast, on the production path: wrk (C, epoll) sends each prepared ballot
once through nginx to the vote API, with its voter's credential and its own Idempotency-Key; what got no 201 (a
broken connection, a 502/503 while a component restarts) is named and re-sent with the same key by Python, as a
client that waits and retries would.

A Python client of 24 threads spends a core of these two on HTTP; wrk spends a tenth of that, so the vote path
gets the machine (tests/test_katowice_2020_full_edition.py: 44,075 ballots).

    statuses = cast(gateway_url, edition_id, [(key, credential, {"parts": …}), …])
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

SCRIPT = Path(__file__).resolve().parent / "bulk_cast.lua"


def _wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed (./glos setup installs it from Debian)")
    return found


def _resend(url: str, key: str, credential: str, body: dict, attempts: int = 10) -> int:
    status = 0
    for _ in range(attempts):
        r = requests.post(url, json=body, timeout=30,
                          headers={"Authorization": f"Bearer {credential}", "Idempotency-Key": key})
        status = r.status_code
        if status not in (502, 503, 504) and not (status == 409 and "vote-in-progress" in r.text):
            return status
        time.sleep(float(r.headers.get("Retry-After", "1")))
    return status


def cast(gateway: str, edition_id: str, ballots: list[tuple[str, str, dict]], *, threads: int = 12,
         timeout_s: float = 1800) -> Counter:
    """Every ballot's final status (201 for a counted ballot), after wrk's pass and the re-sends."""
    url = f"{gateway}/api/voting/editions/{edition_id}/votes"
    by_key = {key: (credential, body) for key, credential, body in ballots}
    with tempfile.TemporaryDirectory(prefix="bulk-cast-") as work:
        lines = Path(work) / "ballots.tsv"
        with lines.open("w") as out:
            for key, credential, body in ballots:
                out.write(f"{key}\t{credential}\t{json.dumps(body, separators=(',', ':'))}\n")
        done_dir = Path(work) / "done"
        done_dir.mkdir()
        env = {**os.environ, "BALLOTS": str(lines), "THREADS": str(threads), "DONE_DIR": str(done_dir)}
        # one connection per thread (-tN -cN): each answer belongs to the request sent just before it
        wrk = subprocess.Popen([_wrk(), f"-t{threads}", f"-c{threads}", f"-d{int(timeout_s)}s", "--timeout", "30s",
                                "-s", str(SCRIPT), url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
        deadline = time.monotonic() + timeout_s
        while len(list(done_dir.iterdir())) < threads and wrk.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        if wrk.poll() is None:
            wrk.send_signal(signal.SIGINT)  # every thread is done: end the run instead of waiting out -d
        stdout, stderr = wrk.communicate(timeout=60)
    line = next((ln for ln in stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {stdout[-2000:]} {stderr[-2000:]}")
    result = json.loads(line[len("RESULT "):])
    final = Counter({int(code): n for code, n in result["statuses"].items()})
    for failure in result["failed"]:
        key, _, status = failure.partition(" ")
        if status.isdigit():
            final[int(status)] -= 1
        credential, body = by_key[key]
        final[_resend(url, key, credential, body)] += 1
    return +final
