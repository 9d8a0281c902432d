"""Pabulib `.pb` files (pabulib.org): read one area's election, write an edition's ballots back out.

The format: UTF-8 text in three sections, META, PROJECTS and VOTES, each a header row and rows of fields
separated by `;` with standard CSV quoting; list fields (`vote`, `points`, `category`) are comma-separated
inside one field.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .model import Ballot, Election, Project, TieBreak

SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ValueError):
    """The file is not valid Pabulib; the message says where."""


@dataclass
class PabulibFile:
    meta: dict[str, str]
    projects: list[dict[str, str]]
    votes: list[dict[str, str]]


def read(text: str) -> PabulibFile:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        head = row[0].strip()
        if len(row) == 1 and head in SECTIONS:
            current = head
            sections[current] = []
            continue
        if current is None:
            raise PabulibError(f"line {lineno}: data before the META section")
        sections[current].append(row)
    for name in SECTIONS:
        if name not in sections or not sections[name]:
            raise PabulibError(f"the {name} section is missing or has no header")

    def rows(name):
        header, *data = sections[name]
        header = [h.strip() for h in header]
        out = []
        for i, r in enumerate(data, start=2):
            if len(r) != len(header):
                raise PabulibError(f"{name} row {i}: {len(r)} fields, the header has {len(header)}")
            out.append(dict(zip(header, (v.strip() for v in r))))
        return header, out

    _, meta_rows = rows("META")
    meta = {r["key"]: r["value"] for r in meta_rows}
    _, projects = rows("PROJECTS")
    _, votes = rows("VOTES")
    return PabulibFile(meta, projects, votes)


def to_election(pb: PabulibFile, tie_break: TieBreak | None = None) -> Election:
    try:
        budget = int(float(pb.meta["budget"]))
    except (KeyError, ValueError):
        raise PabulibError("META: budget is missing or not a number") from None
    projects = {}
    for row in pb.projects:
        try:
            projects[row["project_id"]] = Project(row["project_id"], int(float(row["cost"])), row.get("name", ""))
        except (KeyError, ValueError):
            raise PabulibError(f"PROJECTS: project {row.get('project_id')!r} has no valid cost") from None
    vote_type = pb.meta.get("vote_type", "approval")
    max_length = int(pb.meta["max_length"]) if pb.meta.get("max_length", "").isdigit() else None
    ballots = []
    for row in pb.votes:
        chosen = [p.strip() for p in row.get("vote", "").split(",") if p.strip()]
        unknown = [p for p in chosen if p not in projects]
        if unknown:
            raise PabulibError(f"VOTES: voter {row.get('voter_id')} votes for unknown project(s) {unknown}")
        if vote_type in ("cumulative", "scoring", "ordinal") and row.get("points"):
            points = [int(float(x)) for x in row["points"].split(",")]
            if len(points) != len(chosen):
                raise PabulibError(f"VOTES: voter {row.get('voter_id')} has {len(chosen)} votes, {len(points)} points")
        elif vote_type == "ordinal":
            top = max_length or len(chosen)
            points = [top - rank for rank in range(len(chosen))]  # Borda-like, when the file gives no points
        else:
            points = [1] * len(chosen)
        merged: dict[str, int] = {}
        for pid, pts in zip(chosen, points):
            merged[pid] = merged.get(pid, 0) + pts
        ballots.append(Ballot.of(merged))
    threshold = pb.meta.get("min_project_score_threshold")
    return Election(budget=budget, projects=projects, ballots=ballots, vote_type=vote_type,
                    rule=pb.meta.get("rule", "greedy"), min_score=int(float(threshold)) if threshold else None,
                    tie_break=tie_break or TieBreak(), meta=dict(pb.meta))


def load(path: str | Path, tie_break: TieBreak | None = None) -> Election:
    return to_election(read(Path(path).read_text(encoding="utf-8-sig")), tie_break)


def official_winners(path: str | Path) -> set[str]:
    """The `selected` column: the winners the city announced."""
    pb = read(Path(path).read_text(encoding="utf-8-sig"))
    return {r["project_id"] for r in pb.projects if r.get("selected", "0").strip() in ("1", "1.0")}
