"""Selection rules: greedy (with or without skipping, with a score threshold) and the Method of Equal Shares
with Add1 completion, greedy completion and the comparison step.

Every decision that money or scores decide is exact. Greedy works in integers. MES runs in floating point
for speed, but every comparison that decides something (which project is cheapest per unit of utility,
whether its supporters can afford it) is checked against a relative margin; if any decision in a run falls
inside the margin, that run is repeated in exact rational arithmetic (`fractions.Fraction`). So a float
rounding can never flip a choice — the classic trap being 3 × (50 − 50/3) < 100 in floats.

Speed (Add1 re-runs MES hundreds of times): voter groups with identical ballots are one group; groups are
pooled by the money they hold, so a project's rho is found over a few hundred pools; candidates wait in a
heap keyed by their last rho (a lower bound); and Add1's consecutive shares run together in lockstep, one
numpy row per share, until their choices differ.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from . import explain
from .model import BELOW_THRESHOLD, DID_NOT_FIT, NO_SUPPORT, NOT_REACHED, Election, Outcome

# Relative margin under which a float comparison is not trusted (the exact run decides instead).
FLOAT_MARGIN = 1e-9

# Add1 runs MES for a batch of consecutive shares at once: small first (the outcome may stop fitting after
# a few rounds), doubling up to the size measured fastest on a Warsaw-district-sized vote (larger batches
# split into more diverging sub-batches).
ADD1_FIRST_BATCH = 16
ADD1_LAST_BATCH = 64


# --------------------------------------------------------------------------- ordering and greedy


def ranking(election: Election, scores: dict[str, int], candidates) -> list[str]:
    """Candidates by score, highest first; ties by the edition's tie-break chain."""
    tb = election.tie_break
    supporters = election.supporters() if "more_votes" in tb.criteria else {}

    def key(pid: str):
        parts: list = [-scores[pid]]
        for criterion in tb.criteria:
            if criterion == "fewer_cost":
                parts.append(election.projects[pid].cost)
            elif criterion == "more_votes":
                parts.append(-supporters[pid])
            elif criterion == "draw":
                parts.append(tb.draw_key(pid))
            else:
                raise ValueError(f"unknown tie-break criterion {criterion!r}")
        parts.append(pid)  # total order even without a draw
        return tuple(parts)

    return sorted(candidates, key=key)


def greedy(election: Election, *, skip: bool = True, threshold: int | None = None,
           rule_name: str | None = None) -> Outcome:
    """Fund projects in order of score while the money lasts.

    skip=True passes over a project that no longer fits and goes on down the list (the usual Polish rule);
    skip=False stops at the first one that does not fit. Projects scoring below `threshold` cannot win.
    """
    scores = election.scores()
    costs = {pid: p.cost for pid, p in election.projects.items()}
    order = ranking(election, scores, election.projects)  # the whole order: a project's rank is its place in it
    excluded: dict[str, str] = {}
    facts: dict[str, dict] = {}
    left = election.budget
    selected: list[str] = []
    stopped_at: str | None = None
    for rank, pid in enumerate(order, start=1):
        left_before = left
        if threshold is not None and scores[pid] < threshold:
            excluded[pid] = BELOW_THRESHOLD
        elif stopped_at is not None:
            excluded[pid] = NOT_REACHED
        elif costs[pid] <= left:
            selected.append(pid)
            left -= costs[pid]
        else:
            excluded[pid] = DID_NOT_FIT
            if not skip:
                stopped_at = pid
        facts[pid] = explain.greedy_facts(rank=rank, cost=costs[pid], score=scores[pid], left_before=left_before,
                                          selected=pid in selected, reason=excluded.get(pid), threshold=threshold,
                                          stopped_at=stopped_at)
    for pid, tie in explain.tie_facts(election, order, scores).items():
        facts[pid]["tie"] = tie
    name = rule_name or ("greedy" if skip else "greedy-no-skip")
    return Outcome(name, election.budget, selected, scores, excluded, costs,
                   explanations=explain.explained(election, facts))


# --------------------------------------------------------------------------- Method of Equal Shares


class _Instance:
    """MES's view of an election: identical ballots grouped (they always hold the same money), utilities
    per project as (group, utility) lists."""

    def __init__(self, election: Election, utility: Callable[[str, int], int]):
        groups: dict[tuple, int] = defaultdict(int)
        for ballot in election.ballots:
            groups[ballot.points] += 1
        self.voters = len(election.ballots)
        self.group_weights: list[int] = []
        groups_of: dict[str, list[int]] = {pid: [] for pid in election.projects}
        utilities_of: dict[str, list[int]] = {pid: [] for pid in election.projects}
        utilities: dict[tuple[str, int], int] = {}
        self.group_of: dict[tuple, int] = {}  # a distinct ballot → its group
        for g, (points, weight) in enumerate(groups.items()):
            self.group_of[points] = g
            self.group_weights.append(weight)
            for vote in points:
                u = utilities.get(vote)
                if u is None:
                    u = utilities[vote] = utility(*vote)
                groups_of[vote[0]].append(g)
                utilities_of[vote[0]].append(u)
        # per project, (group, utility) for each supporting group: what the exact run walks through
        self.supporters = {pid: list(zip(groups_of[pid], utilities_of[pid])) for pid in election.projects}
        self.costs = {pid: p.cost for pid, p in election.projects.items()}
        # The same, as arrays, for the floating-point run: each project's supporter groups, their weights,
        # and their utilities as an index into the project's few distinct utility values (one value with
        # cost utilities, a handful with points).
        int_weights = np.array(self.group_weights, dtype=np.int64)
        weights = int_weights.astype(np.float64)
        self.np_groups, self.np_weight, self.np_utility_index, self.np_utility_values = {}, {}, {}, {}
        # total utility of a project over all its supporters (a whole number): the bound for its first rho
        self.total_utility: dict[str, int] = {}
        for pid in election.projects:
            group_ids = np.array(groups_of[pid], dtype=np.int64)
            utility_of = np.array(utilities_of[pid], dtype=np.int64)
            values, index = np.unique(utility_of, return_inverse=True)
            self.total_utility[pid] = int(np.dot(int_weights[group_ids], utility_of))
            self.np_groups[pid] = group_ids
            self.np_weight[pid] = weights[group_ids]
            self.np_utility_index[pid] = index.astype(np.int64)
            self.np_utility_values[pid] = values.astype(np.float64)
        self.candidates = [pid for pid in election.projects if self.total_utility[pid] > 0 and self.costs[pid] > 0]


def _exact_rho(cost: int, supporters: list[tuple[int, int]], weights: list[int], money: list[Fraction],
               total_utility: int) -> Fraction:
    """The least rho (price per unit of utility) at which a project's supporters pay its cost, each paying
    min(their money, rho × utility): the poorest per unit of utility pay all they have, the rest rho × u."""
    paid, denominator, rho = Fraction(0), total_utility, None
    for g, u in sorted(supporters, key=lambda gu: money[gu[0]] / gu[1]):
        rho = (cost - paid) / denominator
        if rho * u > money[g]:
            paid += weights[g] * money[g]
            denominator -= weights[g] * u
        else:
            break
    return rho


def mes_ledger(supporters: dict[str, list[tuple[int, int]]], weights: list[int], costs: dict[str, int],
               share: int, winners: list[str], candidates=()) -> tuple[list[Fraction], dict[str, dict]]:
    """MES's purchases replayed exactly along its winners, in their order: what each voter group paid for
    each, and what every group has left at the end. `supporters`: per project, (voter group, utility).
    With `candidates`, each round also names the candidates that could have been bought at exactly the same
    rho — a tie, which the tie-break chain decided (`tied_with`)."""
    money = [Fraction(share)] * len(weights)
    bought = {}
    for round_, pid in enumerate(winners, start=1):
        rho = _exact_rho(costs[pid], supporters[pid], weights, money, sum(weights[g] * u for g, u in supporters[pid]))
        tied = []
        for other in candidates:
            if other == pid or other in bought or not supporters.get(other):
                continue
            total = sum(weights[g] * u for g, u in supporters[other])
            # rho only grows as money is spent: a project whose first rho is above this one's cannot tie now
            if Fraction(costs[other], total) > rho or sum(weights[g] * money[g] for g, _ in supporters[other]) < costs[other]:
                continue
            if _exact_rho(costs[other], supporters[other], weights, money, total) == rho:
                tied.append(other)
        payments = {}
        for g, u in supporters[pid]:
            pay = min(rho * u, money[g])
            money[g] -= pay
            payments[g] = pay
        bought[pid] = {"round": round_, "rho": rho, "payments": payments, "tied_with": tied}
    return money, bought


def _mes_run(inst: _Instance, share, order_key: Callable[[str], tuple], ledger: list | None = None) -> list[str]:
    """One run of MES in exact rational arithmetic with every voter starting with `share`; returns the
    winners in order (and, when a `ledger` list is given, appends each winner with what every voter group
    paid for it). The float runs (`_mes_runs_together`) hand a run here when a comparison is too close.

    In each step the project with the smallest rho (the most any supporter pays per unit of utility) is
    bought; a supporter pays min(their money, rho × utility). rho of a project only grows as money is spent,
    so the last computed rho is a lower bound and most projects need no recomputation (lazy evaluation).
    """
    zero = Fraction(0)
    money = [Fraction(share)] * len(inst.group_weights)
    weights = inst.group_weights
    last_rho = {pid: Fraction(inst.costs[pid], inst.total_utility[pid]) for pid in inst.candidates}
    winners: list[str] = []

    while last_rho:
        best, best_rho = None, None
        for pid in sorted(last_rho, key=lambda p: (last_rho[p], order_key(p))):
            if best_rho is not None and last_rho[pid] > best_rho:
                break
            cost = inst.costs[pid]
            supporters = inst.supporters[pid]
            available = sum(weights[g] * money[g] for g, _ in supporters)
            if available < cost:
                del last_rho[pid]  # money only shrinks: it will never be affordable again
                continue
            rho = _exact_rho(cost, supporters, weights, money, inst.total_utility[pid])
            last_rho[pid] = rho
            # lower rho wins; a tie goes by the tie-break order
            if best_rho is None or rho < best_rho or (rho == best_rho and order_key(pid) < order_key(best)):
                best, best_rho = pid, rho
        if best is None:
            break
        winners.append(best)
        del last_rho[best]
        payments = [zero] * len(money) if ledger is not None else None
        for g, u in inst.supporters[best]:
            pay = min(best_rho * u, money[g])
            money[g] -= pay
            if payments is not None:
                payments[g] = pay
        if ledger is not None:
            ledger.append((best, payments))
    return winners


def _pools(inst: _Instance, money_class: np.ndarray, pid: str):
    """A project's supporters pooled by (money class, utility): the pool key of each supporter group, and per
    pool its key, money class, utility and total weight."""
    values = inst.np_utility_values[pid]
    groups_class = money_class[inst.np_groups[pid]]
    key = groups_class if len(values) == 1 else groups_class * len(values) + inst.np_utility_index[pid]
    weight = np.bincount(key, weights=inst.np_weight[pid])
    present = np.flatnonzero(weight)
    if len(values) == 1:
        return key, present, present, np.full(len(present), values[0]), weight[present]
    return key, present, present // len(values), values[present % len(values)], weight[present]


class _Batch:
    """Shares whose MES runs have made the same choices so far, run together: one row per share."""

    def __init__(self, rows, class_money, classes, money_class, lower_bound, winners):
        self.rows = rows  # positions in the caller's list of shares
        self.class_money = class_money  # rows × money classes
        self.classes = classes  # how many columns of class_money are in use
        self.money_class = money_class  # per voter group (the same in every row: it follows the winners)
        self.lower_bound = lower_bound  # candidates × rows: each project's last rho, inf once out
        self.winners = winners


def _highest_best(best: np.ndarray, best_rho: np.ndarray, failed: np.ndarray) -> float | None:
    """The highest best rho over the shares still going, or None while one of them has no best yet."""
    going = ~failed
    if not going.any() or (best[going] < 0).any():
        return None
    return float(best_rho[going].max())


def _mes_runs_together(inst: _Instance, shares: list[int], order_key: Callable[[str], tuple]) -> list:
    """MES in numpy floats for one or several shares at once (Add1 needs hundreds): each numpy operation
    works on every share's row together, so Python's per-operation cost is paid once rather than per share.

    Voter groups are pooled by the money they hold: groups holding the same money and valuing a project
    alike are interchangeable when its rho is worked out, and there are few such pools — every group starts
    in one (the share), and each purchase splits the winner's supporters by (pool, utility). So each group
    carries a money class, a project's supporters are summed per (class, utility) with one bincount, and rho
    is found over a few hundred pools instead of thousands of groups.

    The runs stay together while every share buys the same project in each step; where they choose
    differently the batch splits. The money classes follow only the winners (a class whose money runs out
    keeps its own column), so they are the same in every row of a batch. Each share decides as `_mes_run`
    does; a share for which a deciding comparison falls within FLOAT_MARGIN gets None, and the caller runs it
    exactly.
    """
    candidates = sorted(inst.candidates, key=order_key)  # a candidate's index is its tie-break rank
    results: list = [None] * len(shares)
    first_rho = np.array([inst.costs[pid] / inst.total_utility[pid] for pid in candidates])
    class_money = np.zeros((len(shares), 256))  # class 0: no money left; class 1: the whole share
    class_money[:, 1] = shares
    pending = [(_Batch(np.arange(len(shares)), class_money, 2, np.ones(len(inst.group_weights), dtype=np.int64),
                       np.repeat(first_rho[:, None], len(shares), axis=1), []), None, None)]

    row_index = np.arange(len(shares))[:, None]

    def close(a, b):
        return np.abs(a - b) <= FLOAT_MARGIN * np.maximum(np.abs(a), np.abs(b))

    def pay(batch: _Batch, index: int, rho: np.ndarray) -> None:
        pid = candidates[index]
        key, present, cls, u, _ = _pools(inst, batch.money_class, pid)
        b = batch.class_money[:, cls]
        due = rho[:, None] * u
        fresh = len(present)
        if batch.classes + fresh > batch.class_money.shape[1]:
            grow = max(batch.class_money.shape[1], fresh)
            batch.class_money = np.concatenate((batch.class_money, np.zeros((len(batch.rows), grow))), axis=1)
        left = np.where(due >= b, 0.0, b - due)
        batch.class_money[:, batch.classes:batch.classes + fresh] = left
        lookup = np.zeros(int(present[-1]) + 1, dtype=np.int64)
        # a pool left with nothing in every row joins class 0 (no money), which keeps the pools few
        lookup[present] = np.where((left > 0).any(axis=0), np.arange(batch.classes, batch.classes + fresh), 0)
        batch.money_class[inst.np_groups[pid]] = lookup[key]
        batch.classes += fresh
        batch.lower_bound[index, :] = np.inf
        batch.winners.append(pid)

    while pending:
        batch, buy, rho_of_buy = pending.pop()
        if buy is not None:
            pay(batch, buy, rho_of_buy)
        while True:
            k = len(batch.rows)
            lower_bound = batch.lower_bound
            best = np.full(k, -1)
            best_rho = np.full(k, np.inf)
            failed = np.zeros(k, dtype=bool)
            fronts = lower_bound.min(axis=1)
            heap = [(fronts[i], i) for i in np.flatnonzero(np.isfinite(fronts))]
            heapq.heapify(heap)
            top = None  # the highest best rho over the shares, once every share has one

            while heap:
                # every share's best is below the front of the heap, by more than the margin: the projects
                # not looked at cannot beat it in any share
                if top is not None and heap[0][0] > top and heap[0][0] - top > FLOAT_MARGIN * heap[0][0]:
                    break
                _, index = heapq.heappop(heap)
                pid = candidates[index]
                cost = inst.costs[pid]
                alive = np.isfinite(lower_bound[index])
                _, _, cls, u, w = _pools(inst, batch.money_class, pid)
                b = batch.class_money[:, cls]
                available = b @ w
                too_close = alive & (np.abs(available - cost) <= FLOAT_MARGIN * np.maximum(available, cost))
                if too_close.any():
                    failed |= too_close
                    top = _highest_best(best, best_rho, failed)
                affordable = alive & (available >= cost)
                lower_bound[index, alive & ~affordable] = np.inf  # money only shrinks: out for good
                if not affordable.any():
                    continue
                # (with one utility value, as with cost utilities, money alone gives the order)
                order = np.argsort(b if len(inst.np_utility_values[pid]) == 1 else b / u, axis=1)
                bs = b[row_index[:k], order]
                us, ws = u[order], w[order]
                wb, wu = ws * bs, ws * us
                paid_before = np.cumsum(wb, axis=1) - wb
                utility_left = inst.total_utility[pid] - (np.cumsum(wu, axis=1) - wu)
                rhos = (cost - paid_before) / utility_left
                fits = rhos * us <= bs
                first_fit = np.where(fits.any(axis=1), np.argmax(fits, axis=1), fits.shape[1] - 1)
                rho = rhos[row_index[:k, 0], first_fit]
                lower_bound[index, affordable] = rho[affordable]
                has_best = best >= 0
                failed |= affordable & has_best & (rho != best_rho) & close(rho, best_rho)
                better = affordable & (~has_best | (rho < best_rho) | ((rho == best_rho) & (index < best)))
                best[better] = index
                best_rho[better] = rho[better]
                top = _highest_best(best, best_rho, failed)
            for row in np.flatnonzero((best < 0) & ~failed):
                results[batch.rows[row]] = list(batch.winners)  # nothing left to buy: this run is over
            going_on = (best >= 0) & ~failed
            if not going_on.any():
                break
            choices = np.unique(best[going_on])
            if len(choices) == 1 and going_on.all():
                pay(batch, int(choices[0]), best_rho)
                continue
            for choice in choices:
                part = going_on & (best == choice)
                pending.append((_Batch(batch.rows[part], batch.class_money[part], batch.classes,
                                       batch.money_class.copy(), batch.lower_bound[:, part],
                                       list(batch.winners)), int(choice), best_rho[part]))
            break
    return results


def mes_run(inst: _Instance, share, order_key) -> tuple[list[str], bool]:
    """One MES run in floats, or exactly when floats are too close to call; returns the winners and whether
    the exact arithmetic had to decide."""
    (winners,) = _mes_runs_together(inst, [share], order_key)
    if winners is None:
        return _mes_run(inst, share, order_key), True
    return winners, False


def _utility_for(election: Election) -> tuple[str, Callable[[str, int], int]]:
    """Cost utilities for approval ballots (a supporter values a project at its cost), points otherwise."""
    if election.vote_type == "approval":
        return "cost", lambda pid, pts: election.projects[pid].cost
    return "points", lambda pid, pts: pts


def equal_shares(election: Election, *, add1: bool = True, completion: bool = True,
                 comparison: bool = False) -> Outcome:
    """The Method of Equal Shares as the Polish cities that use it count (Świecie, Wieliczka).

    Every voter, empty ballots included, starts with the whole-number part of budget ÷ voters. With Add1
    completion the share is raised by 1 and MES re-run from scratch for as long as the outcome's cost fits
    the budget; the last outcome that fits is kept (no early stop when an outcome becomes exhaustive).
    Greedy completion then adds the remaining projects by score while they fit. With `comparison`, the
    plain greedy outcome replaces that result if more voters prefer it (more of their approved projects
    funded) than prefer the MES result.
    """
    utility_name, utility = _utility_for(election)
    inst = _Instance(election, utility)
    scores = election.scores()
    order = {pid: i for i, pid in enumerate(ranking(election, scores, election.projects))}

    def order_key(pid):
        return order[pid]

    voters = max(inst.voters, 1)
    share = election.budget // voters
    winners, exact_runs = mes_run(inst, share, order_key)
    exact_runs = int(exact_runs)
    rounds = 0
    fundable = set(inst.candidates)
    if add1:
        # Shares are tried in order, as Add1 defines; the runs are computed a batch of shares at a time
        # (`_mes_runs_together`), the batch growing while the outcome keeps fitting.
        batch = ADD1_FIRST_BATCH
        tried = share
        finished = set(winners) == fundable
        while not finished:
            shares = list(range(tried + 1, tried + 1 + batch))
            for next_share, candidate in zip(shares, _mes_runs_together(inst, shares, order_key)):
                if candidate is None:  # too close to call in the batch's floats: alone, exactly if need be
                    candidate, was_exact = mes_run(inst, next_share, order_key)
                    exact_runs += was_exact
                rounds += 1
                if sum(inst.costs[p] for p in candidate) > election.budget:
                    finished = True
                    break
                share, winners = next_share, candidate
                if set(winners) == fundable:
                    finished = True
                    break
            tried = shares[-1]
            batch = min(2 * batch, ADD1_LAST_BATCH)
    mes_winners = list(winners)
    selected = list(winners)
    completed: dict[str, dict] = {}  # what the completion's greedy pass decided, per project it looked at
    if completion:
        left = election.budget - sum(inst.costs[p] for p in selected)
        for pid in ranking(election, scores, [p for p in election.projects if p not in selected]):
            fits = scores[pid] > 0 and inst.costs[pid] <= left
            completed[pid] = {"selected": fits, "left": left}
            if fits:
                selected.append(pid)
                left -= inst.costs[pid]
    rule = "equalshares" + ("/add1" if add1 else "") + ("-comparison" if comparison else "")
    details = {"utility": utility_name, "final_share": share, "add1_rounds": rounds, "exact_runs": exact_runs,
               "mes_selected": mes_winners}
    if comparison:
        plain = greedy(election, skip=True)
        mes_set, greedy_set = set(selected), set(plain.selected)
        prefer_mes = prefer_greedy = 0
        for ballot in election.ballots:
            approved = {pid for pid, _ in ballot.points}
            a, b = len(approved & mes_set), len(approved & greedy_set)
            prefer_mes += a > b
            prefer_greedy += b > a
        details.update(prefer_mes=prefer_mes, prefer_greedy=prefer_greedy)
        if prefer_greedy > prefer_mes:
            selected = list(plain.selected)
            details["chosen"] = "greedy"
        else:
            details["chosen"] = "equalshares"
    costs = dict(inst.costs)
    excluded = {pid: (NO_SUPPORT if scores[pid] == 0 else DID_NOT_FIT)
                for pid in election.projects if pid not in selected}
    if details.get("chosen") == "greedy":
        explanations = plain.explanations
    else:
        explanations = explain.explained(election, _mes_facts(election, inst, scores, utility_name, share,
                                                               mes_winners, completed))
    return Outcome(rule, election.budget, selected, scores, excluded, costs, details, explanations)


def _mes_facts(election: Election, inst: _Instance, scores: dict[str, int], utility: str, share: int,
               winners: list[str], completed: dict[str, dict]) -> dict[str, dict]:
    """Every project's facts under MES: the purchases replayed exactly with the final share."""
    money_left, bought = mes_ledger(inst.supporters, inst.group_weights, inst.costs, share, winners,
                                    candidates=sorted(inst.candidates))
    paid_by: dict[int, list] = defaultdict(list)
    for winner in winners:
        for g, pay in bought[winner]["payments"].items():
            if pay:
                paid_by[g].append((winner, pay))
    facts = {pid: explain.mes_facts(pid=pid, cost=inst.costs[pid], score=scores[pid], utility=utility, share=share,
                                    supporters=inst.supporters[pid], weights=inst.group_weights,
                                    money_left=money_left, bought=bought, paid_by=paid_by,
                                    completion=completed.get(pid))
             for pid in election.projects}
    # a round bought one of several projects at the same rho: both sentences say so, and which rule decided
    supporters = election.supporters()
    for winner in winners:
        for other in bought[winner]["tied_with"]:
            rule = explain.decided_by(election, winner, other, supporters)
            for pid, rival in ((winner, other), (other, winner)):
                tie = facts[pid].setdefault("tie", {"with": [], "decided_by": rule, "round": bought[winner]["round"]})
                if rival not in tie["with"]:
                    tie["with"].append(rival)
    return facts


# --------------------------------------------------------------------------- the rule table

RULES: dict[str, Callable[[Election], Outcome]] = {
    "greedy": lambda e: greedy(e, skip=True, threshold=e.min_score),
    "greedy-no-skip": lambda e: greedy(e, skip=False, threshold=e.min_score),
    "greedy-threshold": lambda e: greedy(e, skip=True, threshold=e.min_score, rule_name="greedy-threshold"),
    "equalshares": lambda e: equal_shares(e, add1=False, completion=False),
    "equalshares/add1": lambda e: equal_shares(e, add1=True, completion=True),
    "equalshares/add1-comparison": lambda e: equal_shares(e, add1=True, completion=True, comparison=True),
}


def count(election: Election, rule: str | None = None) -> Outcome:
    name = rule or election.rule
    if name not in RULES:
        raise ValueError(f"unknown rule {name!r}; known: {', '.join(RULES)}")
    outcome = RULES[name](election)
    # who the outcome serves: each project's supporters, and the voters with at least one winner they chose
    outcome.supporters = election.supporters()
    chosen = set(outcome.selected)
    outcome.voters_with_a_winner = sum(1 for ballot in election.ballots if any(p in chosen for p, _ in ballot.points))
    outcome.voters = len(election.ballots)
    return outcome
