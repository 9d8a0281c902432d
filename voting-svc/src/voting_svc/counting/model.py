"""The counting model: projects, ballots, an election (one area's vote), its outcome."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Project:
    id: str
    cost: int
    name: str = ""


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot for one area: project id → points (1 for every approval)."""

    points: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, points: dict[str, int]) -> "Ballot":
        return cls(tuple(sorted(points.items())))

    def as_dict(self) -> dict[str, int]:
        return dict(self.points)


@dataclass(frozen=True)
class TieBreak:
    """How equal scores are ordered: a chain of criteria ending in a seeded draw.

    criteria: "fewer_cost" (the cheaper first), "more_votes" (more supporters first), "draw".
    The draw orders tied projects by SHA-256(seed ":" project id), so anyone with the revealed seed can
    re-run it; the seed's own SHA-256 is what gets published before the vote closes.
    """

    criteria: tuple[str, ...] = ("draw",)
    seed: str = ""

    def draw_key(self, project_id: str) -> str:
        return hashlib.sha256(f"{self.seed}:{project_id}".encode()).hexdigest()


@dataclass
class Election:
    budget: int
    projects: dict[str, Project]
    ballots: list[Ballot]
    vote_type: str = "approval"  # approval, cumulative, ordinal, scoring, choose-1
    rule: str = "greedy"
    min_score: int | None = None  # min_project_score_threshold: projects below it cannot win
    tie_break: TieBreak = field(default_factory=TieBreak)
    meta: dict[str, str] = field(default_factory=dict)

    def scores(self) -> dict[str, int]:
        """Approvals for approval ballots, points otherwise."""
        totals = {pid: 0 for pid in self.projects}
        for ballot in self.ballots:
            for pid, pts in ballot.points:
                totals[pid] += pts
        return totals

    def supporters(self) -> dict[str, int]:
        counts = {pid: 0 for pid in self.projects}
        for ballot in self.ballots:
            for pid, _ in ballot.points:
                counts[pid] += 1
        return counts


# Why a project did not win.
BELOW_THRESHOLD = "below_threshold"
DID_NOT_FIT = "did_not_fit"
NOT_REACHED = "not_reached"  # greedy without skipping stopped before it
NO_SUPPORT = "no_support"


@dataclass
class Outcome:
    rule: str
    budget: int
    selected: list[str]
    scores: dict[str, int]
    excluded: dict[str, str]
    costs: dict[str, int]
    details: dict = field(default_factory=dict)  # rule-specific facts (MES: the final share, rounds…)
    # per project: why it won or lost — the facts that decided it and a sentence in Polish and English
    explanations: dict[str, dict] = field(default_factory=dict)
    # fairness figures, set by `count`: supporters per project, and how many voters have a winner they chose
    supporters: dict[str, int] = field(default_factory=dict)
    voters: int | None = None
    voters_with_a_winner: int | None = None

    @property
    def total_cost(self) -> int:
        return sum(self.costs[p] for p in self.selected)

    def to_json(self) -> dict:
        projects = {}
        for pid in sorted(self.costs, key=_natural):
            entry = {"cost": self.costs[pid], "score": self.scores[pid], "selected": pid in self.selected}
            if self.supporters:
                entry["supporters"] = self.supporters[pid]
            if pid in self.excluded:
                entry["reason"] = self.excluded[pid]
            if pid in self.explanations:
                entry["explanation"] = self.explanations[pid]
            projects[pid] = entry
        details = {k: (str(v) if isinstance(v, Fraction) else v) for k, v in self.details.items()}
        fairness = {} if self.voters is None else {"fairness": {
            "voters_with_a_winner": self.voters_with_a_winner,
            # the money spent per voter of the area, in grosze (how much of the pool each voter's ballot moved)
            "spent_per_voter_gr": (100 * self.total_cost // self.voters) if self.voters else 0}}
        return {"rule": self.rule, "budget": self.budget, "total_cost": self.total_cost,
                "selected": list(self.selected), "projects": projects, **({"details": details} if details else {}),
                **fairness}


def _natural(pid: str):
    return (0, int(pid), "") if pid.isdigit() else (1, 0, pid)
