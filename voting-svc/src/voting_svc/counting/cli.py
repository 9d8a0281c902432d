"""glos-count: count a Pabulib file with the rule its META names (or another) and print the outcome as JSON.

    glos-count Poland_Swiecie_2023.pb
    glos-count Poland_Katowice_2020.pb --rule greedy
    glos-count FILE.pb --tie-break fewer_cost,draw --seed <revealed seed>
    glos-count FILE.pb --explain [--language en]     # one sentence per project: why it won or lost
"""

from __future__ import annotations

import argparse
import json
import sys

from . import pabulib
from .model import TieBreak, _natural
from .rules import RULES, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glos-count", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="a Pabulib .pb file")
    parser.add_argument("--rule", choices=sorted(RULES), help="override the rule in the file's META")
    parser.add_argument("--tie-break", default="draw",
                        help="comma-separated chain of fewer_cost, more_votes, draw (default: draw)")
    parser.add_argument("--seed", default="", help="the revealed draw seed")
    parser.add_argument("--explain", action="store_true",
                        help="print one sentence per project (its id first) saying why it won or lost, not JSON")
    parser.add_argument("--language", choices=("pl", "en"), default="pl", help="of the --explain sentences")
    args = parser.parse_args(argv)
    criteria = tuple(c.strip() for c in args.tie_break.split(",") if c.strip())
    unknown = set(criteria) - {"fewer_cost", "more_votes", "draw"}
    if unknown:
        parser.error(f"unknown tie-break criteria: {', '.join(sorted(unknown))}")
    try:
        election = pabulib.load(args.file, TieBreak(criteria, args.seed))
    except (OSError, pabulib.PabulibError) as exc:
        print(f"glos-count: {exc}", file=sys.stderr)
        return 2
    rule = args.rule or election.rule
    if rule not in RULES:
        print(f"glos-count: the file names rule {rule!r}, which is not supported; use --rule", file=sys.stderr)
        return 2
    outcome = count(election, rule)
    if args.explain:
        for pid in sorted(outcome.costs, key=_natural):
            sys.stdout.write(f"{pid}\t{outcome.explanations[pid][args.language]}\n")
        return 0
    result = {"file": args.file.rsplit("/", 1)[-1], "voters": len(election.ballots),
              "vote_type": election.vote_type, **outcome.to_json()}
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
