"""Why each project won or lost, in one sentence — from the facts the count itself established.

Every project of an area gets `facts` (a code and the numbers that decided it) and a sentence in Polish and in
English made from those facts alone, so the sentences are part of the hashed results document and a recount
(`glos-recompute`) reproduces them byte for byte. `glos-count FILE.pb --explain` prints the same for any
Pabulib file.

Greedy: a project's rank in the order of votes (ties as the rule's chain decided them); selected — with the
money left after it; not selected — its cost against the money left when its turn came, or its score against the
area's threshold, or the count stopped before it (no skipping).

The Method of Equal Shares, in equalshares.net's terms: the budget is divided equally among the voters (each
voter's *share*); a project is bought when its supporters can pay its cost from their shares, and its cost is
split among them (equally with approval ballots, in proportion to their points otherwise); a project whose
supporters' remaining shares together fall short of its cost cannot be bought — and the sentence says how much
they still had, and which winners their shares went to. Completion (Add1: the shares raised while the outcome
fits the budget, then the rest filled in by votes) is named where it decided.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .model import BELOW_THRESHOLD, NOT_REACHED, Election

# How many winners a not-bought project's supporters paid for are named (the largest payments first).
WINNERS_NAMED = 3


# --------------------------------------------------------------------------- facts: greedy


def tie_facts(election: Election, order: list[str], scores: dict[str, int]) -> dict[str, dict]:
    """For each project that shares its score with another: who with, and which criterion of the chain put it
    where it is (relative to the project just above it in the tie, or just below for the first)."""
    by_score: dict[int, list[str]] = {}
    for pid in order:
        by_score.setdefault(scores[pid], []).append(pid)
    supporters = election.supporters()
    facts = {}
    for group in by_score.values():
        if len(group) < 2:
            continue
        for i, pid in enumerate(group):
            other = group[i - 1] if i else group[1]
            facts[pid] = {"with": [p for p in group if p != pid], "decided_by": decided_by(election, pid, other,
                                                                                               supporters)}
    return facts


def decided_by(election: Election, a: str, b: str, supporters: dict[str, int]) -> str:
    """Which criterion of the tie-break chain puts `a` before `b` (their scores being equal)."""
    for criterion in election.tie_break.criteria:
        if criterion == "fewer_cost" and election.projects[a].cost != election.projects[b].cost:
            return "fewer_cost"
        if criterion == "more_votes" and supporters[a] != supporters[b]:
            return "more_votes"
        if criterion == "draw":
            return "draw"
    return "project_id"


def greedy_facts(*, rank: int, cost: int, score: int, left_before: int, selected: bool, reason: str | None,
                 threshold: int | None, stopped_at: str | None) -> dict:
    base = {"rank": rank, "cost": cost, "score": score}
    if selected:
        return {"code": "selected", **base, "left_after": left_before - cost}
    if reason == BELOW_THRESHOLD:
        return {"code": "below_threshold", **base, "threshold": threshold}
    if reason == NOT_REACHED:
        return {"code": "not_reached", **base, "stopped_at": stopped_at}
    return {"code": "did_not_fit", **base, "left": left_before}


# --------------------------------------------------------------------------- facts: Method of Equal Shares


def mes_facts(*, pid: str, cost: int, score: int, utility: str, share: int, supporters: list[tuple[int, int]],
              weights: list[int], money_left: list[Fraction], bought: dict[str, dict],
              paid_by: dict[int, list[tuple[str, Fraction]]], completion: dict | None) -> dict:
    """A project's facts under MES with its final share: bought (the round, what a supporter paid at most), or
    not affordable (what its supporters still had, and which winners their shares went to), with the
    completion's part where it decided. `paid_by`: per voter group, (winner, payment) in MES's order."""
    voters = sum(weights[g] for g, _ in supporters)
    base = {"cost": cost, "score": score, "supporters": voters, "share": share, "utility": utility}
    if pid in bought:
        entry = bought[pid]
        most = max(entry["payments"][g] for g, _ in supporters)
        # rounded up: "each paid at most" stays true, and supporters × it still covers the cost
        return {"code": "mes_bought", **base, "round": entry["round"], "max_payment_gr": grosze(most, up=True),
                **({"rho_gr": grosze(entry["rho"], up=True)} if utility == "points" else {})}
    if voters == 0:
        return {"code": "no_support", **base}
    # floor: the stated sum is never more than they had (and they had less than the cost)
    had = sum((weights[g] * money_left[g] for g, _ in supporters), Fraction(0))
    went_to: dict[str, Fraction] = {}
    for g, _ in supporters:
        for winner, pay in paid_by.get(g, ()):
            went_to[winner] = went_to.get(winner, Fraction(0)) + weights[g] * pay
    named = sorted(went_to.items(), key=lambda kv: (-kv[1], kv[0]))
    facts = {**base, "supporters_had_gr": grosze(had, down=True),
             "went_to": [{"project": p, "amount_gr": grosze(a)} for p, a in named[:WINNERS_NAMED]],
             "went_to_others_gr": grosze(sum((a for _, a in named[WINNERS_NAMED:]), Fraction(0))),
             "others": max(0, len(named) - WINNERS_NAMED)}
    if completion is not None and completion.get("selected"):
        return {"code": "mes_completion", **facts, "left": completion["left"]}
    facts = {"code": "mes_not_affordable", **facts}
    if completion is not None:
        facts["completion"] = {"left": completion["left"]}
    return facts


def grosze(amount: Fraction, *, down: bool = False, up: bool = False) -> int:
    """An exact amount of złoty in whole grosze: half up; down where the sentence says "less than", up where it
    says "at most"."""
    scaled = Fraction(amount) * 100
    if down:
        return math.floor(scaled)
    if up:
        return math.ceil(scaled)
    return math.floor(scaled + Fraction(1, 2))


# --------------------------------------------------------------------------- sentences


def money(grosze_or_zloty: int, language: str, *, grosze: bool = False) -> str:
    if grosze:
        whole, part = divmod(grosze_or_zloty, 100)
        if language == "pl":
            return f"{whole:,}".replace(",", "\u00a0") + (f",{part:02d}" if part else "") + "\u00a0zł"
        return f"PLN\u00a0{whole:,}" + (f".{part:02d}" if part else "")
    if language == "pl":
        return f"{grosze_or_zloty:,}".replace(",", "\u00a0") + "\u00a0zł"
    return f"PLN\u00a0{grosze_or_zloty:,}"


def _points(n: int, vote_type: str, language: str) -> str:
    if vote_type == "approval":
        if language == "pl":
            return f"{n}\u00a0" + _polish_plural(n, "głos", "głosy", "głosów")
        return f"{n}\u00a0vote" + ("" if n == 1 else "s")
    if language == "pl":
        return f"{n}\u00a0pkt"
    return f"{n}\u00a0point" + ("" if n == 1 else "s")


def _polish_plural(n: int, one: str, few: str, many: str) -> str:
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


TIE_RULES = {"pl": {"fewer_cost": "niższy koszt", "more_votes": "większa liczba głosujących",
                    "draw": "losowanie z ziarnem ogłoszonym przed głosowaniem", "project_id": "numer projektu"},
             "en": {"fewer_cost": "the lower cost", "more_votes": "more voters",
                    "draw": "the draw from the seed committed before the vote", "project_id": "the project number"}}


def sentence(facts: dict, language: str, *, vote_type: str, name: dict[str, str]) -> str:
    """The sentence for one project's facts, in Polish ("pl") or English ("en")."""
    pl = language == "pl"
    code = facts["code"]

    def zl(amount, grosze=False):
        return money(amount, language, grosze=grosze)

    if code == "selected":
        text = (f"Wybrany: {facts['rank']}. miejsce w kolejności głosów; po nim zostało {zl(facts['left_after'])}."
                if pl else f"Selected: ranked {facts['rank']} by votes; {zl(facts['left_after'])} was left after it.")
    elif code == "did_not_fit":
        text = (f"Nie wybrany: gdy przyszła jego kolej ({facts['rank']}. miejsce), zostało {zl(facts['left'])}, "
                f"mniej niż jego koszt {zl(facts['cost'])}." if pl else
                f"Not selected: when its turn came (ranked {facts['rank']}), {zl(facts['left'])} was left, less than "
                f"its cost of {zl(facts['cost'])}.")
    elif code == "below_threshold":
        text = (f"Nie wybrany: {_points(facts['score'], vote_type, language)} to mniej niż próg "
                f"{_points(facts['threshold'], vote_type, language)} dla tego obszaru." if pl else
                f"Not selected: {_points(facts['score'], vote_type, language)} is below this area's threshold of "
                f"{_points(facts['threshold'], vote_type, language)}.")
    elif code == "not_reached":
        stop = name.get(facts["stopped_at"], facts["stopped_at"])
        text = (f"Nie wybrany: liczenie zatrzymało się wcześniej, na projekcie „{stop}”, który się nie zmieścił "
                f"(zasada bez pomijania)." if pl else
                f"Not selected: the count stopped before it, at “{stop}”, which did not fit (the no-skip rule).")
    elif code == "no_support":
        text = "Nie wybrany: nikt na niego nie głosował." if pl else "Not selected: nobody voted for it."
    elif code == "mes_bought":
        who = facts["supporters"]
        if facts["utility"] == "points":
            text = (f"Wybrany metodą równych udziałów w rundzie {facts['round']}: jego koszt {zl(facts['cost'])} "
                    f"pokryli {who} popierający ze swoich udziałów, proporcjonalnie do punktów "
                    f"({zl(facts['rho_gr'], True)} za punkt, najwięcej {zl(facts['max_payment_gr'], True)} od osoby)."
                    if pl else
                    f"Selected by the Method of Equal Shares in round {facts['round']}: its cost of {zl(facts['cost'])} "
                    f"was paid by its {who} supporters from their shares, in proportion to their points "
                    f"({zl(facts['rho_gr'], True)} a point, at most {zl(facts['max_payment_gr'], True)} each).")
        else:
            text = (f"Wybrany metodą równych udziałów w rundzie {facts['round']}: jego koszt {zl(facts['cost'])} "
                    f"podzielono między {who} popierających — każdy zapłacił najwyżej "
                    f"{zl(facts['max_payment_gr'], True)} ze swojego udziału {zl(facts['share'])}." if pl else
                    f"Selected by the Method of Equal Shares in round {facts['round']}: its cost of {zl(facts['cost'])} "
                    f"was split among its {who} supporters — each paid at most {zl(facts['max_payment_gr'], True)} "
                    f"from their share of {zl(facts['share'])}.")
    elif code == "mes_completion":
        text = (f"Wybrany w uzupełnieniu: metoda równych udziałów go nie kupiła (jego {facts['supporters']} "
                f"popierających miało jeszcze {zl(facts['supporters_had_gr'], True)} wobec kosztu {zl(facts['cost'])}), "
                f"ale w kolejności głosów zmieścił się w pozostałych {zl(facts['left'])}." if pl else
                f"Selected in the completion: the Method of Equal Shares did not buy it (its {facts['supporters']} "
                f"supporters had {zl(facts['supporters_had_gr'], True)} left against its cost of {zl(facts['cost'])}), "
                f"but in the order of votes it fitted in the {zl(facts['left'])} left.")
    elif code == "mes_not_affordable":
        went = ", ".join(f"„{name.get(w['project'], w['project'])}” ({zl(w['amount_gr'], True)})" if pl else
                         f"“{name.get(w['project'], w['project'])}” ({zl(w['amount_gr'], True)})" for w in facts["went_to"])
        if facts["others"]:
            went += (f" i {facts['others']} innych ({zl(facts['went_to_others_gr'], True)})" if pl else
                     f" and {facts['others']} others ({zl(facts['went_to_others_gr'], True)})")
        text = (f"Nie wybrany: gdy pieniądze się skończyły, jego {facts['supporters']} popierających miało ze swoich "
                f"udziałów łącznie {zl(facts['supporters_had_gr'], True)}, mniej niż jego koszt {zl(facts['cost'])}."
                if pl else
                f"Not selected: when the money ran out, its {facts['supporters']} supporters had "
                f"{zl(facts['supporters_had_gr'], True)} left of their shares, less than its cost of {zl(facts['cost'])}.")
        if went:
            text += (f" Ich udziały poszły na: {went}." if pl else f" Their shares went to: {went}.")
        completion = facts.get("completion")
        if completion:
            text += (f" W uzupełnieniu też się nie zmieścił: zostało {zl(completion['left'])}." if pl else
                     f" Nor did it fit in the completion: {zl(completion['left'])} was left.")
    else:
        raise ValueError(f"unknown explanation code {code!r}")
    tie = facts.get("tie")
    if tie:
        others = ", ".join((f"„{name.get(p, p)}”" if pl else f"“{name.get(p, p)}”") for p in tie["with"])
        rule = TIE_RULES[language][tie["decided_by"]]
        if "round" in tie:  # MES: the same price per unit of support in one round
            text += (f" W rundzie {tie['round']} remis z: {others} (ten sam koszt na jednostkę poparcia) — "
                     f"rozstrzygnęło: {rule}." if pl else
                     f" In round {tie['round']} tied with {others} (the same price per unit of support) — "
                     f"decided by {rule}.")
        else:
            text += (f" Remis z: {others} — kolejność rozstrzygnęło: {rule}." if pl else
                     f" Tied with {others} — the order was decided by {rule}.")
    return text


def explained(election: Election, facts_by_project: dict[str, dict]) -> dict[str, dict]:
    """Each project's facts with their sentences in Polish and English (projects named by their names)."""
    names = {pid: project.name or pid for pid, project in election.projects.items()}
    return {pid: {**facts, "pl": sentence(facts, "pl", vote_type=election.vote_type, name=names),
                  "en": sentence(facts, "en", vote_type=election.vote_type, name=names)}
            for pid, facts in facts_by_project.items()}
