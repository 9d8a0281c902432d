"""A whole edition's count: the results document, the anonymised Pabulib export of every ballot, and the
recomputation of the document from that export.

The results document is what voting-svc publishes (hashed) after the close. The export is what anyone
needs to check it: one `.pb` file per area (voters numbered 1…N in an order that reveals nothing — sorted
by their ballots — with a voter's parts in different areas sharing the number, as in Pabulib's Katowice
files), plus the frozen rules. `recompute(export, seed)` rebuilds the document from the export alone and,
written as canonical JSON, must be byte-identical to the published one.

    glos-recompute ballots.zip --seed <revealed seed>
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile

from . import pabulib
from .model import Ballot, Election, Project, TieBreak
from .rules import count

# ballot types of the frozen rules → Pabulib vote types
VOTE_TYPES = {"approval": "approval", "budget_approval": "approval", "cumulative": "cumulative",
              "ordinal": "ordinal"}


def canonical_json(document) -> bytes:
    """Keys sorted, no insignificant whitespace, UTF-8 — the encoding every published digest is over."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def min_score_for(rules: dict, kind: str) -> int | None:
    selection = rules["selection"]
    return selection.get("min_score_by_kind", {}).get(kind, selection.get("min_score"))


def election_of(rules: dict, area: dict, ballots: list[Ballot], seed: str) -> Election:
    selection = rules["selection"]
    return Election(budget=area["budget"],
                    projects={p["proposal_id"]: Project(p["proposal_id"], p["cost"], p["title"])
                              for p in area["projects"]},
                    # a fixed order, so the count never depends on the order ballots arrived in
                    ballots=sorted(ballots, key=lambda b: b.points),
                    vote_type=VOTE_TYPES[rules[area["kind"]]["type"]], rule=selection["rule"],
                    min_score=min_score_for(rules, area["kind"]), tie_break=TieBreak(tuple(selection["tie_break"]), seed))


def results_document(edition_id: str, rules: dict, rules_sha256: str, areas: list[dict],
                     ballots: dict[str, list[Ballot]], seed: str, voters: list[dict[str, set]] | None = None,
                     voting_extensions: list[dict] | None = None) -> dict:
    """areas: the published ballot's areas (area_id, name, kind, budget, projects); ballots: per area id;
    voters: each voter's chosen projects per area (their parts linked), for the edition-wide figures;
    voting_extensions: voting extended past its scheduled end ({previous_ends_at, ends_at, reason}), if it was."""
    out, winners = [], set()
    for area in areas:
        election = election_of(rules, area, ballots.get(area["area_id"], []), seed)
        outcome = count(election)
        winners.update(outcome.selected)
        out.append({"area_id": area["area_id"], "name": area["name"], "kind": area["kind"],
                    "voters": len(election.ballots), **outcome.to_json(),
                    # the score a project of this area needed to be selected (a greedy rule's threshold)
                    **({"threshold": election.min_score} if election.min_score is not None else {})})
    document = {"edition_id": edition_id, "rules_sha256": rules_sha256, "draw_seed": seed, "areas": out}
    if voters is not None:
        # edition-wide: voters with at least one winner among everything they chose, in any area
        document["fairness"] = {"voters": len(voters), "voters_with_a_winner": sum(
            1 for parts in voters if any(chosen & winners for chosen in parts.values())),
            # every area's winners together, per voter of the edition, in grosze
            "spent_per_voter_gr": 100 * sum(a["total_cost"] for a in out) // len(voters) if voters else 0}
    if voting_extensions:
        document["voting_extensions"] = voting_extensions
    return document


# --------------------------------------------------------------------------- the anonymised export


def export_zip(*, edition: dict, rules: dict, rules_sha256: str, areas: list[dict],
               voters: list[list[dict]], voting_extensions: list[dict] | None = None) -> bytes:
    """voters: each counted voter's parts ([{area_id, choices: [{project_id, points}]}]), in any order;
    voting_extensions as in the results document (voting.json, when voting was extended)."""
    def canonical_parts(parts):
        return sorted((p["area_id"], sorted((c["project_id"], c["points"]) for c in p["choices"])) for p in parts)

    numbered = sorted((canonical_parts(parts) for parts in voters))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_fixed("rules.json"), canonical_json(rules))
        if voting_extensions:
            archive.writestr(_fixed("voting.json"), canonical_json({"voting_extensions": voting_extensions}))
        for index, area in enumerate(areas):
            archive.writestr(_fixed(f"{index:03d}_{_slug(area['name'])}.pb"),
                             _area_file(edition, rules, rules_sha256, index, area, numbered))
        archive.writestr(_fixed("README.txt"), README.format(**edition, rules_sha256=rules_sha256))
    return buffer.getvalue()


README = """Glos — anonymised ballots of {name} ({city} {year}), edition {edition_id}.

One Pabulib file (pabulib.org) per area; voters are numbered in an order that reveals nothing, and a
voter's parts in different areas share the number. rules.json are the frozen rules (SHA-256 {rules_sha256}).
Recompute the published results, byte for byte:  glos-recompute THIS.zip --seed <revealed seed>
"""


def _fixed(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # the same bytes for the same ballots
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)[:60]


def _area_file(edition: dict, rules: dict, rules_sha256: str, index: int, area: dict, voters: list) -> str:
    rule = rules[area["kind"]]
    vote_type = VOTE_TYPES[rule["type"]]
    rows = []
    for voter_id, parts in enumerate(voters, start=1):
        for area_id, choices in parts:
            if area_id == area["area_id"]:
                if vote_type == "ordinal":
                    choices = sorted(choices, key=lambda c: (-c[1], c[0]))  # by rank
                rows.append((voter_id, choices))
    scores = {p["proposal_id"]: 0 for p in area["projects"]}
    supporters = dict.fromkeys(scores, 0)
    for _, choices in rows:
        for project_id, points in choices:
            scores[project_id] += points
            supporters[project_id] += 1
    meta = {"description": f"Glos: {edition['name']} — {area['name']}", "country": "Poland",
            "unit": edition["city"], "instance": str(edition["year"]), "subunit": area["name"],
            "num_projects": str(len(area["projects"])), "num_votes": str(len(rows)), "budget": str(area["budget"]),
            "vote_type": vote_type, "rule": rules["selection"]["rule"],
            "min_length": str(rule["min_projects"]), "max_length": str(rule["max_projects"]),
            "edition_id": edition["edition_id"], "area_id": area["area_id"], "area_kind": area["kind"],
            "area_index": str(index), "rules_sha256": rules_sha256}
    if area["kind"] == "district":  # Pabulib's own key, so that any reader (Glos's import too) sees a district
        meta["district"] = area["name"]
    if rule.get("max_points"):
        meta["max_sum_points"] = str(rule["max_points"])
    if min_score_for(rules, area["kind"]) is not None:
        meta["min_project_score_threshold"] = str(min_score_for(rules, area["kind"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())
    writer.writerow(["PROJECTS"])
    # `number`: the project's number on the ballot (what an import of this file keeps as its id)
    writer.writerow(["project_id", "cost", "votes", "score", "name", "number"])
    for p in area["projects"]:
        writer.writerow([p["proposal_id"], p["cost"], supporters[p["proposal_id"]], scores[p["proposal_id"]],
                         p["title"], p.get("external_id") or ""])
    writer.writerow(["VOTES"])
    with_points = vote_type != "approval"
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else [])])
    for voter_id, choices in rows:
        writer.writerow([voter_id, ",".join(c[0] for c in choices),
                         *([",".join(str(c[1]) for c in choices)] if with_points else [])])
    return out.getvalue()


# --------------------------------------------------------------------------- recomputation


def recompute(export: bytes, seed: str) -> dict:
    """The results document from the export alone (rules from rules.json, checked against their SHA-256)."""
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        rules_bytes = archive.read("rules.json")
        voting = json.loads(archive.read("voting.json")) if "voting.json" in archive.namelist() else {}
        files = sorted(n for n in archive.namelist() if n.endswith(".pb"))
        parsed = [pabulib.read(archive.read(n).decode("utf-8")) for n in files]
    rules = json.loads(rules_bytes)
    rules_sha256 = hashlib.sha256(canonical_json(rules)).hexdigest()
    areas, ballots = [], {}
    voters: dict[str, dict[str, set]] = {}  # a voter's parts in different areas share their number
    for pb in sorted(parsed, key=lambda pb: int(pb.meta["area_index"])):
        if pb.meta["rules_sha256"] != rules_sha256:
            raise pabulib.PabulibError(f"{pb.meta['subunit']}: the file names other rules than rules.json")
        area = {"area_id": pb.meta["area_id"], "name": pb.meta["subunit"], "kind": pb.meta["area_kind"],
                "budget": int(pb.meta["budget"]),
                "projects": [{"proposal_id": r["project_id"], "cost": int(r["cost"]), "title": r["name"]}
                             for r in pb.projects]}
        areas.append(area)
        ballots[area["area_id"]] = pabulib.to_election(pb).ballots
        for row in pb.votes:
            voters.setdefault(row["voter_id"], {})[area["area_id"]] = set(filter(None, row["vote"].split(",")))
    return results_document(parsed[0].meta["edition_id"] if parsed else "", rules, rules_sha256, areas, ballots, seed,
                            voters=list(voters.values()), voting_extensions=voting.get("voting_extensions"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glos-recompute", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", help="the edition's anonymised ballots (ballots.zip)")
    parser.add_argument("--seed", required=True, help="the draw seed revealed with the results")
    args = parser.parse_args(argv)
    try:
        with open(args.export, "rb") as f:
            document = recompute(f.read(), args.seed)
    except (OSError, KeyError, zipfile.BadZipFile, pabulib.PabulibError) as exc:
        print(f"glos-recompute: {exc}", file=sys.stderr)
        return 2
    body = canonical_json(document)
    sys.stdout.buffer.write(body + b"\n")
    print(f"sha256 {hashlib.sha256(body).hexdigest()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
