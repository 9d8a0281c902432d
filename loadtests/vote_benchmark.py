"""The vote-path benchmark: how many ballots per second nginx + voting-svc + Redis + Kafka (acks=all) take on
this machine, against a no-op endpoint served by the same nginx and gunicorn, measured in the same run.

    .venv/bin/python loadtests/vote_benchmark.py            # against the running test stack (./glos test
                                                            # with GLOS_KEEP_STACK=1, or devstack start)

1. A frozen edition (Katowice 2020 city-wide and Dąb) and made-up voters' credentials (identity-svc
   seed-voters) are prepared through the platform.
2. After a warm-up of votes (the broker's JIT, pools and caches warm, as an hour into the last evening), wrk
   (closed loop, 2 threads) loads (a) GET /api/voting/alive and (b) POST …/votes — each ballot with its own
   credential — at rising concurrency, a few seconds per step.
3. For each endpoint the best step is the highest throughput with p99 ≤ 100 ms and no errors; the ratio
   (b)/(a) compares them.
4. Then the tally must equal the accepted ballots exactly (ballots and points), and the vote-to-tally lag
   (the ballot's cast_at to the moment the tally's transaction recorded it) is given as percentiles.

Prints the figures, writes JSON and a PNG plot to loadtests/results/. It measures, it does not pass or fail
on time: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "devstack"))
sys.path.insert(0, str(REPO / "voting-svc" / "tests"))

import stack  # noqa: E402

P99_LIMIT_MS = 100.0


def ensure_wrk() -> str:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, connections: int, seconds: int, env: dict) -> dict:
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
                          str(REPO / "loadtests" / "vote.lua"), url], capture_output=True, text=True,
                         env={**os.environ, **env, "THREADS": "2"}, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    result = json.loads(line[len("RESULT "):])
    seconds_run = result["duration_us"] / 1e6
    ok = sum(n for code, n in result["statuses"].items() if code.startswith("2"))
    result.update(connections=connections, seconds=seconds_run, ok=ok,
                  errors=result["requests"] - ok + result["socket_errors"], rate=ok / seconds_run)
    return result


def best(steps: list[dict]) -> dict:
    good = [s for s in steps if s["errors"] == 0 and s["p99_ms"] <= P99_LIMIT_MS]
    return max(good, key=lambda s: s["rate"]) if good else min(steps, key=lambda s: s["p99_ms"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="test", choices=sorted(stack.PROFILES))
    parser.add_argument("--seconds", type=int, default=8, help="per step")
    parser.add_argument("--connections", default="4,8,16,32,64", help="concurrency steps")
    parser.add_argument("--voters", type=int, default=90000, help="credentials to prepare")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of votes before measuring (0: none)")
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    os.environ.update(stack.service_env(profile))
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    steps = [int(c) for c in args.connections.split(",")]
    wrk = ensure_wrk()

    from glos_testing import login, seed_account
    from voting_kit import new_election, seed_voters, voting_db

    seed_account("benchmark@glos.local", "benchmark-haslo-123456", roles="pb_official,coordinator")
    official = {"Authorization": f"Bearer {login(gateway, 'benchmark@glos.local', 'benchmark-haslo-123456')}"}
    election = new_election(gateway, official)
    edition, city = election["edition"], election["city"]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        credentials = seed_voters(edition, ["Dąb"] * args.voters, Path(tmp))
        print(f"{len(credentials)} credentials issued in {time.monotonic() - started:.1f} s")
        credentials_file = Path(tmp) / "credentials.txt"
        body = json.dumps({"parts": [{"area_id": city["area_id"], "choices": [
            {"project_id": city["projects"][0]["proposal_id"], "points": 3}]}]})

        vote_url = f"{gateway}/api/voting/editions/{edition}/votes"
        vote_env = {"MODE": "vote", "CREDENTIALS": str(credentials_file), "BODY": body}
        start, warm = 0, None
        if args.warmup:
            # an hour into the last evening the broker's JIT, the connection pools and the caches are warm: so
            # are they here before anything is measured (these ballots count; their rate is not reported)
            warm = run_wrk(wrk, vote_url, 16, args.warmup, {**vote_env, "START": "0"})
            start = warm["requests"] + 2 * 64
            print(f"warm-up: {warm['ok']} ballots in {warm['seconds']:.0f} s (not measured)")
        noop = [run_wrk(wrk, f"{gateway}/api/voting/alive", c, args.seconds, {"MODE": "noop"}) for c in steps]
        votes = []
        for c in steps:
            step = run_wrk(wrk, vote_url, c, args.seconds, {**vote_env, "START": str(start)})
            start += step["requests"] + 2 * 64  # past every credential a request may have used
            votes.append(step)
            if start + 20000 > len(credentials):
                print("credentials nearly used up: stopping the steps here")
                break

    # wrk stops at the end of each step without waiting for the answers in flight, which the platform still
    # accepts: the 201s wrk saw are a lower bound. The exact check is the recount — the vote log (every
    # acknowledged ballot) replayed into an empty tally must equal the database tally.
    seen_accepted = sum(s["statuses"].get("201", 0) for s in votes + ([warm] if warm else []))
    deadline, last, counted = time.monotonic() + 300, -1, 0
    while time.monotonic() < deadline:
        counted = voting_db("SELECT count(*) FROM ballot_records WHERE edition_id = :e", e=edition)[0][0]
        if counted >= seen_accepted and counted == last:
            break
        last = counted
        time.sleep(2)
    counted = voting_db("SELECT count(*) FROM votes WHERE edition_id = :e AND status = 'counted'", e=edition)[0][0]
    points = voting_db("SELECT coalesce(sum(points), 0) FROM project_tallies WHERE edition_id = :e", e=edition)[0][0]
    recount = subprocess.run([str(stack.VENV_BIN / "voting-svc"), "recount", edition], capture_output=True,
                             text=True, timeout=600, env={**os.environ, **stack.service_env(profile)})
    tally_equal = recount.returncode == 0 and counted >= seen_accepted and int(points) == 3 * counted
    lag = voting_db("SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM "
                    "recorded_at - cast_at)), max(extract(epoch FROM recorded_at - cast_at)) FROM ballot_records "
                    "WHERE edition_id = :e", e=edition)[0]
    b_noop, b_vote = best(noop), best(votes)
    report = {
        "machine": {"cpus": os.cpu_count(), "when": datetime.now(UTC).isoformat()},
        "noop_steps": noop, "vote_steps": votes,
        "noop_best": b_noop, "vote_best": b_vote, "ratio": b_vote["rate"] / b_noop["rate"],
        "accepted_seen_by_client": seen_accepted,
        "tally": {"counted": counted, "points": int(points), "recount": recount.stdout.strip().splitlines()[0],
                  "equal": tally_equal},
        "lag_s": {"p50": lag[0][0], "p95": lag[0][1], "p99": lag[0][2], "max": float(lag[1])},
    }
    print(f"\nno-op  GET /api/voting/alive : {b_noop['rate']:.0f}/s at {b_noop['connections']} connections "
          f"(p50 {b_noop['p50_ms']:.1f} ms, p99 {b_noop['p99_ms']:.1f} ms, errors {b_noop['errors']})")
    print(f"votes  POST …/votes          : {b_vote['rate']:.0f} accepted/s at {b_vote['connections']} connections "
          f"(p50 {b_vote['p50_ms']:.1f} ms, p95 {b_vote['p95_ms']:.1f} ms, p99 {b_vote['p99_ms']:.1f} ms, "
          f"errors {b_vote['errors']})")
    print(f"ratio votes / no-op          : {report['ratio']:.2f}")
    for s in votes:
        print(f"  votes, {s['connections']:3d} connections: {s['rate']:6.0f}/s  p50 {s['p50_ms']:6.1f}  "
              f"p95 {s['p95_ms']:6.1f}  p99 {s['p99_ms']:6.1f} ms  errors {s['errors']}")
    print(f"vote-to-tally lag            : p50 {lag[0][0] * 1000:.0f} ms, p95 {lag[0][1] * 1000:.0f} ms, "
          f"p99 {lag[0][2] * 1000:.0f} ms, max {lag[1] * 1000:.0f} ms")
    print(f"tally = accepted ballots     : {tally_equal} (vote log replayed: {report['tally']['recount']}; "
          f"{seen_accepted} 201s seen by wrk, {counted} counted, {int(points)} points = 3 × counted)")
    out = REPO / "loadtests" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"vote_benchmark-{stamp}.json").write_text(json.dumps(report, indent=2))
    plot(report, out / f"vote_benchmark-{stamp}.png")
    print(f"written: loadtests/results/vote_benchmark-{stamp}.json and .png")
    return 0 if report["tally"]["equal"] else 1


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, steps in (("no-op GET /alive", report["noop_steps"]), ("POST votes", report["vote_steps"])):
        c = [s["connections"] for s in steps]
        left.plot(c, [s["rate"] for s in steps], marker="o", label=name)
        right.plot(c, [s["p99_ms"] for s in steps], marker="o", label=name)
    right.axhline(P99_LIMIT_MS, color="grey", linestyle="--", label="p99 limit 100 ms")
    left.set(xscale="log", xlabel="connections", ylabel="answers / s (2xx)", title="Throughput")
    right.set(xscale="log", yscale="log", xlabel="connections", ylabel="p99 latency (ms)", title="p99 latency")
    left.legend()
    right.legend()
    fig.suptitle(f"Glos vote path on {report['machine']['cpus']} cores: ratio {report['ratio']:.2f}, "
                 f"lag p99 {report['lag_s']['p99'] * 1000:.0f} ms")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
