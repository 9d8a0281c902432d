"""What a vote load did, voter by voter: every acknowledged ballot against what the platform counted.

    .venv/bin/python loadtests/vote_audit.py --profile fault --edition EDITION --answers answers.jsonl

`answers.jsonl` is what the clients were told, one JSON object a line, in the order each voter sent:
`{"voter_key": …, "receipt": …, "status": 201}` for an acknowledged ballot (a receipt), or
`{"voter_key": …, "gave_up": true}` for a ballot the client never got acknowledged. (A voter key is the `sub`
of the voter's credential.) It prints, and `audit()` returns:

- acknowledged receipts, voters;
- lost: acknowledged, but not in the vote log's records;
- receipts for ballots that do not count: a voter's last acknowledged ballot not the one counted, or an
  earlier one not replaced by it;
- counted twice: a voter with more than one counted ballot, or points that are not the sum of the counted
  ballots;
- voters locked out: a voter who never got a ballot acknowledged;
- the recount (`voting-svc recount`): the vote log replayed, every receipt handed out checked.

Exit 0 only when all of those are 0 and the recount is identical. It reads voting-svc's database and runs the
recount with the profile's settings; it sends nothing to the platform.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "devstack"))

import stack  # noqa: E402


def audit(edition: str, answers: list[dict], env: dict) -> dict:
    acknowledged: dict[str, list[str]] = defaultdict(list)  # voter key → receipts, in the order acknowledged
    tried: set[str] = set()
    for answer in answers:
        tried.add(answer["voter_key"])
        if answer.get("receipt") and answer["receipt"] not in acknowledged[answer["voter_key"]]:
            acknowledged[answer["voter_key"]].append(answer["receipt"])
    engine = create_engine(env["VOTING_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            records = dict(conn.execute(text("SELECT receipt, status FROM ballot_records WHERE edition_id = :e"),
                                        {"e": edition}).all())
            standing = dict(conn.execute(text("SELECT voter_key, receipt FROM votes WHERE edition_id = :e AND "
                                              "status = 'counted'"), {"e": edition}).all())
            counted_per_voter = dict(conn.execute(text(
                "SELECT voter_key, count(*) FROM ballot_records WHERE edition_id = :e AND status = 'counted' "
                "GROUP BY voter_key"), {"e": edition}).all())
            points_tallied = conn.execute(text("SELECT coalesce(sum(points), 0) FROM project_tallies "
                                               "WHERE edition_id = :e"), {"e": edition}).scalar()
            points_of_ballots = conn.execute(text(
                "SELECT coalesce(sum((c->>'points')::int), 0) FROM votes v, jsonb_array_elements(v.parts) p, "
                "jsonb_array_elements(p->'choices') c WHERE v.edition_id = :e AND v.status = 'counted'"),
                {"e": edition}).scalar()
    finally:
        engine.dispose()
    receipts = [r for rs in acknowledged.values() for r in rs]
    lost = [r for r in receipts if r not in records]
    not_counting = []
    for voter, rs in acknowledged.items():
        last, earlier = rs[-1], rs[:-1]
        if records.get(last) != "counted" or standing.get(voter) != last:
            not_counting.append(last)
        not_counting += [r for r in earlier if records.get(r) != "superseded"]
    twice = [v for v, n in counted_per_voter.items() if n > 1]
    locked_out = sorted(tried - {v for v, rs in acknowledged.items() if rs})
    recount = subprocess.run([str(stack.VENV_BIN / "voting-svc"), "recount", edition], capture_output=True,
                             text=True, timeout=600, env={**os.environ, **env})
    figures = {
        "voters": len(tried), "acknowledged": len(receipts),
        "lost": len(lost), "not_counting": len(not_counting), "counted_twice": len(twice),
        "points_tallied": int(points_tallied), "points_of_counted_ballots": int(points_of_ballots),
        "locked_out": len(locked_out), "recount_identical": recount.returncode == 0,
        "recount": recount.stdout.strip(),
        "examples": {"lost": lost[:5], "not_counting": not_counting[:5], "counted_twice": twice[:5],
                     "locked_out": locked_out[:5]},
    }
    figures["ok"] = (not lost and not not_counting and not twice and not locked_out and recount.returncode == 0
                     and figures["points_tallied"] == figures["points_of_counted_ballots"])
    return figures


def report(figures: dict) -> str:
    return "\n".join([
        f"voters {figures['voters']}, acknowledged ballots {figures['acknowledged']}",
        f"lost (acknowledged, not in the log)      : {figures['lost']}",
        f"receipts for ballots that do not count   : {figures['not_counting']}",
        f"counted twice                            : {figures['counted_twice']} "
        f"(points tallied {figures['points_tallied']}, of the counted ballots {figures['points_of_counted_ballots']})",
        f"voters locked out                        : {figures['locked_out']}",
        f"recount                                  : {'identical' if figures['recount_identical'] else 'DIFFERENT'}",
        *[f"    {line}" for line in figures["recount"].splitlines()[:12]],
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="test", choices=sorted(stack.PROFILES))
    parser.add_argument("--edition", required=True)
    parser.add_argument("--answers", required=True, type=Path)
    args = parser.parse_args()
    answers = [json.loads(line) for line in args.answers.read_text().splitlines() if line.strip()]
    figures = audit(args.edition, answers, stack.service_env(stack.PROFILES[args.profile]))
    print(report(figures))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
