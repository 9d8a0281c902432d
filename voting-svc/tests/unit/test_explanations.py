"""Why each project won or lost (issue 25, points 1 and 2): a sentence per project from the count's own facts,
checked against the official Pabulib files and, on random votes, against an independent running total."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

from voting_svc.counting import Ballot, Election, Project, TieBreak, count, pabulib
from voting_svc.counting.rules import greedy, ranking

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_counting import DATA, FAST, FILES, instances  # noqa: E402

GREEDY_CODES = {"selected", "did_not_fit", "below_threshold", "not_reached"}
MES_CODES = {"mes_bought", "mes_completion", "mes_not_affordable", "no_support"}
SELECTED_CODES = {"selected", "mes_bought", "mes_completion"}


def check_greedy(election: Election, outcome) -> None:
    """Every stated amount equals the running total computed here, independently, from the ranking."""
    order = ranking(election, outcome.scores, election.projects)
    left, stopped = election.budget, False
    for rank, pid in enumerate(order, start=1):
        facts, cost = outcome.explanations[pid], election.projects[pid].cost
        assert facts["rank"] == rank and facts["cost"] == cost
        if facts["code"] == "selected":
            assert pid in outcome.selected and not stopped
            left -= cost
            assert facts["left_after"] == left >= 0
        elif facts["code"] == "did_not_fit":
            assert facts["left"] == left < cost  # the money left when its turn came was below its cost
            stopped = stopped or outcome.rule == "greedy-no-skip"
        elif facts["code"] == "below_threshold":
            assert facts["score"] == outcome.scores[pid] < facts["threshold"] == election.min_score
        else:
            assert facts["code"] == "not_reached" and stopped
        assert (pid in outcome.selected) == (facts["code"] == "selected")


def check_mes(election: Election, outcome) -> None:
    for pid, facts in outcome.explanations.items():
        cost = election.projects[pid].cost
        assert facts["code"] in MES_CODES and (pid in outcome.selected) == (facts["code"] in SELECTED_CODES)
        if facts["code"] == "mes_bought":
            # what its supporters are said to have paid at most covers its cost
            assert pid in outcome.details["mes_selected"]
            assert facts["supporters"] * facts["max_payment_gr"] >= 100 * cost
            assert facts["max_payment_gr"] <= 100 * facts["share"]
        elif facts["code"] in ("mes_not_affordable", "mes_completion"):
            assert facts["supporters_had_gr"] < 100 * cost  # they could not pay it from their shares
            # their shares: what they still had plus what went to the winners (each amount rounded to a grosz)
            spent = sum(w["amount_gr"] for w in facts["went_to"]) + facts["went_to_others_gr"]
            assert abs(facts["supporters_had_gr"] + spent - 100 * facts["share"] * facts["supporters"]) <= \
                len(facts["went_to"]) + 2
        for language in ("pl", "en"):
            assert facts[language] and "{" not in facts[language]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_project_of_every_official_file_has_its_sentence_and_the_stated_figures_add_up(path):
    election = pabulib.load(path)
    outcome = count(election)
    assert set(outcome.explanations) == set(election.projects)
    if outcome.rule.startswith("greedy"):
        check_greedy(election, outcome)
    else:
        check_mes(election, outcome)
    for facts in outcome.explanations.values():
        assert facts["pl"].startswith(("Wybrany", "Nie wybrany")) and facts["en"].startswith(("Selected", "Not"))


def test_a_district_project_below_the_threshold_says_the_threshold_and_its_score():
    outcome = count(pabulib.load(DATA / "katowice-2020" / "Poland_Katowice_2020.pb"))
    below = [f for f in outcome.explanations.values() if f["code"] == "below_threshold"]
    assert below
    example = below[0]
    assert f"{example['score']}\u00a0pkt" in example["pl"] and "próg 200\u00a0pkt" in example["pl"]


def test_swiecie_s_losers_say_what_their_supporters_had_and_where_their_shares_went():
    outcome = count(pabulib.load(DATA / "Poland_Swiecie_2023.pb"))
    loser = outcome.explanations["c15"]
    assert loser["code"] == "mes_not_affordable" and loser["supporters"] == 272
    assert "74\u00a0407,10\u00a0zł" in loser["pl"] and "80\u00a0000\u00a0zł" in loser["pl"]
    assert "Their shares went to" in loser["en"] and loser["went_to"][0]["amount_gr"] >= loser["went_to"][1]["amount_gr"]
    winner = outcome.explanations["c10"]
    assert winner["code"] == "mes_bought" and winner["round"] == 2 and "rundzie 2" in winner["pl"]


@FAST
@given(instances())
def test_greedy_sentences_state_the_running_total_with_and_without_skipping_and_a_threshold(election):
    check_greedy(election, greedy(election))
    check_greedy(election, greedy(election, skip=False))
    election.min_score = 2
    check_greedy(election, greedy(election, threshold=2))


@FAST
@given(instances("approval") | instances("cumulative"))
def test_mes_sentences_never_claim_more_than_the_count_did(election):
    for rule in ("equalshares", "equalshares/add1"):
        check_mes(election, count(election, rule))


def test_a_tie_says_which_rule_of_the_chain_decided():
    projects = {pid: Project(pid, cost, f"Projekt {pid}") for pid, cost in (("a", 40), ("b", 30), ("c", 30))}
    ballots = [Ballot.of({"a": 1}), Ballot.of({"b": 1}), Ballot.of({"c": 1})]
    election = Election(budget=70, projects=projects, ballots=ballots,
                        tie_break=TieBreak(("fewer_cost", "draw"), seed="ziarno"))
    facts = greedy(election).explanations
    assert facts["a"]["tie"]["decided_by"] == "fewer_cost" and "niższy koszt" in facts["a"]["pl"]
    assert {facts["b"]["tie"]["decided_by"], facts["c"]["tie"]["decided_by"]} == {"draw"}
    assert "losowanie z ziarnem" in facts["b"]["pl"] and "the draw from the seed" in facts["c"]["en"]
    assert "„Projekt" in facts["a"]["pl"]


def test_glos_count_explain_prints_one_sentence_per_project_naming_its_id():
    path = DATA / "Poland_Warszawa_2019_Anin.pb"
    printed = subprocess.run([sys.executable, "-m", "voting_svc.counting.cli", str(path), "--explain"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    outcome = count(pabulib.load(path))
    assert len(printed) == len(outcome.costs)
    by_id = dict(line.split("\t", 1) for line in printed)
    assert by_id == {pid: facts["pl"] for pid, facts in outcome.explanations.items()}
    english = subprocess.run([sys.executable, "-m", "voting_svc.counting.cli", str(path), "--explain", "--language",
                              "en"], capture_output=True, text=True, check=True).stdout
    assert "Selected: ranked 1 by votes" in english


# --------------------------------------------------------------------------- fairness figures (issue 25, point 4)


def test_the_count_says_how_many_voters_have_a_winner_they_chose_and_who_supported_each_project():
    projects = {pid: Project(pid, cost) for pid, cost in (("a", 60), ("b", 50), ("c", 30))}
    ballots = [Ballot.of({"a": 1}), Ballot.of({"a": 1, "c": 1}), Ballot.of({"b": 1}), Ballot.of({"c": 1}),
               Ballot.of({"b": 1, "c": 1})]
    election = Election(budget=90, projects=projects, ballots=ballots, tie_break=TieBreak(("fewer_cost",)))
    outcome = count(election, "greedy")
    assert outcome.selected == ["c", "b"]  # 3 votes; then b and a tied at 2, the cheaper first; a no longer fits
    document = outcome.to_json()
    assert document["fairness"] == {"voters_with_a_winner": 4, "spent_per_voter_gr": 100 * 80 // 5}
    assert {pid: p["supporters"] for pid, p in document["projects"].items()} == {"a": 2, "b": 2, "c": 3}


@pytest.mark.parametrize("path", FILES[:6], ids=[p.stem for p in FILES[:6]])
def test_voters_with_a_winner_on_the_official_files(path):
    election = pabulib.load(path)
    outcome = count(election)
    winners = set(outcome.selected)
    expected = sum(1 for ballot in election.ballots if winners & {pid for pid, _ in ballot.points})
    assert outcome.to_json()["fairness"]["voters_with_a_winner"] == expected <= len(election.ballots)


def test_the_edition_wide_figure_links_a_voter_s_parts_across_areas():
    from voting_svc.counting.edition import results_document

    rules = {"city": {"type": "approval"}, "district": {"type": "approval"},
             "selection": {"rule": "greedy", "tie_break": ["draw"]}}
    areas = [{"area_id": "m", "name": "Miasto", "kind": "city", "budget": 100,
              "projects": [{"proposal_id": "m1", "cost": 100, "title": "M1"}, {"proposal_id": "m2", "cost": 100,
                                                                              "title": "M2"}]},
             {"area_id": "d", "name": "Dąb", "kind": "district", "budget": 50,
              "projects": [{"proposal_id": "d1", "cost": 50, "title": "D1"}]}]
    ballots = {"m": [Ballot.of({"m1": 1}), Ballot.of({"m1": 1}), Ballot.of({"m2": 1})], "d": [Ballot.of({"d1": 1})]}
    voters = [{"m": {"m1"}}, {"m": {"m1"}, "d": {"d1"}}, {"m": {"m2"}}, {"d": set()}]
    document = results_document("e", rules, "x", areas, ballots, "seed", voters=voters)
    # M1 (100 zł) and D1 (50 zł) won: 150 zł of projects for 4 voters
    assert document["fairness"] == {"voters": 4, "voters_with_a_winner": 2, "spent_per_voter_gr": 3750}
    assert [a["fairness"]["voters_with_a_winner"] for a in document["areas"]] == [2, 1]


def test_a_mes_round_decided_between_equally_priced_projects_says_so_and_by_which_rule():
    """Issue 25 (1): ties under MES — two projects the same voters could buy at the same price per unit of support
    in one round: both sentences name the tie, its round and the rule of the chain that decided it."""
    projects = {pid: Project(pid, cost, f"Projekt {pid}") for pid, cost in (("a", 60), ("b", 60), ("c", 30))}
    ballots = [Ballot.of({"a": 1, "b": 1}) for _ in range(6)] + [Ballot.of({"c": 1}) for _ in range(4)]
    election = Election(budget=100, projects=projects, ballots=ballots, tie_break=TieBreak(("draw",), seed="ziarno"))
    outcome = count(election, "equalshares")
    facts = outcome.explanations
    winner = next(p for p in ("a", "b") if p in outcome.selected)
    loser = "b" if winner == "a" else "a"
    assert facts[winner]["tie"] == {"with": [loser], "decided_by": "draw", "round": facts[winner]["round"]}
    assert facts[loser]["tie"]["with"] == [winner]
    assert f"W rundzie {facts[winner]['round']} remis z: „Projekt {loser}”" in facts[winner]["pl"]
    assert "the draw from the seed" in facts[loser]["en"]
    assert "tie" not in facts["c"]
    check_mes(election, outcome)
