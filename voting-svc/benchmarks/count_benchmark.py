"""Counting benchmark: time and peak memory per rule per Pabulib file, next to pabutools in the same run.

    .venv/bin/python voting-svc/benchmarks/count_benchmark.py [--repeat 3] [--pabutools-add1] [--json out.json]

Prints one row per (file, rule): our median time and peak Python memory (tracemalloc), pabutools' on the
same file and rule where it has one, and whether the two outcomes agree. Then two synthetic instances of
the sizes the targets name: MES with Add1 on a Warsaw-district-sized approval vote (~11,000 voters, 80
projects) and greedy on 60,000 voters. Times exclude parsing. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

from voting_svc.counting import Ballot, Election, Project, TieBreak, count, pabulib

DATA = Path(__file__).resolve().parents[2] / "data" / "pabulib"


def measure(fn, repeat: int):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, statistics.median(times), peak / 2**20


def pabutools_runner(path: Path, rule: str, allow_add1: bool):
    from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
    from pabutools.rules import (completion_by_rule_combination, exhaustion_by_budget_increase,
                                 greedy_utilitarian_welfare, method_of_equal_shares)

    instance, profile = parse_pabulib(str(path))
    if rule == "equalshares":
        share = int(instance.budget_limit) // profile.num_ballots()
        instance.budget_limit = Fraction(share * profile.num_ballots())
        return lambda: {p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)}
    # (pabutools' greedy_utilitarian_welfare orders by satisfaction per cost, not by votes as the cities'
    # greedy does, so there is no like-for-like greedy to compare with.)
    if rule == "equalshares/add1" and allow_add1:
        def run():
            outcome = completion_by_rule_combination(
                instance, profile, [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
                [{"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat},
                  "budget_step": profile.num_ballots()}, {"sat_class": Cardinality_Sat}])
            return {p.name for p in outcome}
        return run
    return None


def synthetic_approval(voters: int, projects: int, budget: int, seed: int) -> Election:
    rng = random.Random(seed)
    costs = [rng.randint(20, 900) * 1000 for _ in range(projects)]
    popularity = [rng.paretovariate(1.2) for _ in range(projects)]
    ballots = []
    for _ in range(voters):
        k = rng.randint(1, 12)
        chosen = set(rng.choices(range(projects), weights=popularity, k=k))
        ballots.append(Ballot.of({str(p): 1 for p in chosen}))
    return Election(budget=budget, projects={str(i): Project(str(i), c) for i, c in enumerate(costs)},
                    ballots=ballots, vote_type="approval", rule="equalshares/add1", tie_break=TieBreak(("draw",), "b"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pabutools-add1", action="store_true",
                        help="also time pabutools' MES with Add1 (minutes on the larger files)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args()
    rows = []
    files = sorted(DATA.glob("*.pb")) + [DATA / "katowice-2020" / "Poland_Katowice_2020.pb"]
    print(f"{'file':42} {'rule':18} {'ours s':>8} {'extra MB':>8} {'pabutools s':>12} {'agree':>6}")
    for path in files:
        election = pabulib.load(path)
        rules = [election.rule]
        if election.vote_type == "approval":
            rules += [r for r in ("greedy", "equalshares", "equalshares/add1") if r not in rules]
        for rule in rules:
            outcome, seconds, peak = measure(lambda: count(election, rule), args.repeat)
            row = {"file": path.name, "rule": rule, "voters": len(election.ballots), "ours_s": seconds,
                   "ours_peak_mb": peak, "details": {k: v for k, v in outcome.details.items() if k != "mes_selected"}}
            reference = pabutools_runner(path, rule, args.pabutools_add1)
            if reference is not None:
                ref_outcome, ref_seconds, _ = measure(reference, 1)
                row.update(pabutools_s=ref_seconds, agree=ref_outcome == set(outcome.selected))
            rows.append(row)
            print(f"{path.stem[:42]:42} {rule:18} {seconds:8.3f} {peak:8.1f} "
                  f"{row.get('pabutools_s', float('nan')):12.3f} {str(row.get('agree', '-')):>6}", flush=True)

    print("\nsynthetic instances (times after parsing)")
    warsaw = synthetic_approval(11_000, 80, 8_000_000, seed=7)
    outcome, seconds, peak = measure(lambda: count(warsaw, "equalshares/add1"), max(args.repeat, 3))
    rows.append({"file": "synthetic-warsaw-district", "rule": "equalshares/add1", "voters": 11_000,
                 "ours_s": seconds, "ours_peak_mb": peak, "details": {k: v for k, v in outcome.details.items()
                                                                       if k != "mes_selected"}})
    print(f"MES+Add1, 11,000 voters x 80 projects: {seconds:.3f} s (median), peak {peak:.1f} MB, "
          f"{outcome.details['add1_rounds']} Add1 rounds, {outcome.details['exact_runs']} exact runs")
    big = synthetic_approval(60_000, 80, 8_000_000, seed=11)
    outcome, seconds, peak = measure(lambda: count(big, "greedy"), args.repeat)
    rows.append({"file": "synthetic-60k", "rule": "greedy", "voters": 60_000, "ours_s": seconds,
                 "ours_peak_mb": peak})
    print(f"greedy, 60,000 voters: {seconds:.3f} s, peak {peak:.1f} MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
