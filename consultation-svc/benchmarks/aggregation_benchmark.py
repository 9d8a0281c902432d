"""How long the survey aggregation takes on 10,000 responses (the size of a large city's consultation).

    .venv/bin/python consultation-svc/benchmarks/aggregation_benchmark.py [--responses 10000] [--runs 7]

Prints the median and best time of `aggregate` over a survey with every question type, alone and with the
cross-tabulation by district and by age band, and — as a baseline measured in the same run — the time just to
walk every answer once. Figures, not assertions: the machines are shared.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from types import SimpleNamespace

from consultation_svc.surveys import aggregate

DISTRICTS = ["Dąb", "Ligota", "Zawodzie", "Koszutka", "Bogucice", "Załęże", "Brynów", "Murcki"]
BANDS = ["<18", "18-29", "30-44", "45-59", "60-74", "75+"]


def q(code, kind, **spec):
    return SimpleNamespace(code=code, type=kind, text=code, spec=spec, condition=None, required=False)


QUESTIONS = [q("single", "single", options=["tak", "nie", "nie wiem"]),
             q("multi", "multiple", options=list("abcdef"), min_choices=1, max_choices=3),
             q("scale", "scale", min=1, max=5), q("rank", "ranking", options=["x", "y", "z", "w"]),
             q("num", "numeric", min=0, max=1000), q("short", "short_text"), q("long", "long_text"),
             q("grid", "matrix", rows=["r1", "r2", "r3", "r4"], min=1, max=5)]


def responses(n: int, seed: int = 2027):
    rnd = random.Random(seed)
    for _ in range(n):
        yield ({"single": rnd.choice(["tak", "nie", "nie wiem"]), "multi": rnd.sample(list("abcdef"), rnd.randint(1, 3)),
                "scale": rnd.randint(1, 5), "rank": rnd.sample(["x", "y", "z", "w"], 4), "num": rnd.randint(0, 1000),
                "short": "krótko" if rnd.random() < 0.3 else None, "long": "dłuższa uwaga " * 5 if rnd.random() < 0.1 else None,
                "grid": {r: rnd.randint(1, 5) for r in ("r1", "r2", "r3", "r4")}},
               rnd.choice(DISTRICTS), rnd.choice(BANDS))


def timed(fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "best_ms": round(min(times) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = list(responses(args.responses))
    figures = {
        "responses": args.responses, "questions": len(QUESTIONS), "runs": args.runs,
        "baseline_walk_every_answer": timed(lambda: sum(len(a) for a, _, _ in rows for _ in QUESTIONS), args.runs),
        "aggregate": timed(lambda: aggregate(QUESTIONS, rows), args.runs),
        "aggregate_by_district": timed(lambda: aggregate(QUESTIONS, rows, by="district"), args.runs),
        "aggregate_by_age_band": timed(lambda: aggregate(QUESTIONS, rows, by="age_band"), args.runs),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
