"""The count reproduces the official winners of real Polish PB votes, agrees with pabutools on plain MES,
and keeps its invariants on random instances (hypothesis)."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting_svc.counting import Ballot, Election, Project, TieBreak, count, pabulib
from voting_svc.counting.model import BELOW_THRESHOLD, DID_NOT_FIT
from voting_svc.counting.rules import _Instance, _mes_run, _utility_for, equal_shares, greedy, ranking

DATA = Path(__file__).resolve().parents[3] / "data" / "pabulib"
FILES = sorted(DATA.glob("*.pb")) + sorted((DATA / "katowice-2020").glob("*.pb"))


def test_every_file_is_here():
    assert len(FILES) == 29


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_rule_in_the_file_reproduces_the_official_winners(path):
    election = pabulib.load(path)
    outcome = count(election)
    assert set(outcome.selected) == pabulib.official_winners(path)
    assert outcome.total_cost <= election.budget
    assert outcome.rule == election.rule


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scores_match_the_files_own_totals(path):
    pb = pabulib.read(path.read_text(encoding="utf-8"))
    election = pabulib.to_election(pb)
    scores = election.scores()
    column = "score" if "score" in pb.projects[0] else "votes"
    for row in pb.projects:
        if row.get(column):
            assert scores[row["project_id"]] == int(row[column]), row["project_id"]


def test_katowice_threshold_excludes_projects_below_200_points():
    path = DATA / "katowice-2020" / "Poland_Katowice_2020.pb"
    outcome = count(pabulib.load(path))
    below = [p for p, reason in outcome.excluded.items() if reason == BELOW_THRESHOLD]
    assert below and all(outcome.scores[p] < 200 for p in below)
    assert all(outcome.scores[p] >= 200 for p in outcome.selected)


def test_swiecie_mes_details():
    outcome = count(pabulib.load(DATA / "Poland_Swiecie_2023.pb"))
    assert outcome.details["utility"] == "cost"
    assert outcome.details["add1_rounds"] > 100  # it really iterates, no early stop
    assert set(outcome.details["mes_selected"]) <= set(outcome.selected)


@pytest.mark.parametrize("name", ["Poland_Swiecie_2023.pb", "Poland_Warszawa_2019_Anin.pb",
                                  "Poland_Warszawa_2023_Rembertow.pb", "Poland_Lodz_2023_Baluty-Doly.pb"])
def test_plain_mes_agrees_with_pabutools(name):
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    instance, profile = parse_pabulib(str(DATA / name))
    voters = profile.num_ballots()
    share = int(instance.budget_limit) // voters
    instance.budget_limit = Fraction(share * voters)  # both start every voter with the same whole share
    reference = {p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)}
    ours = equal_shares(pabulib.load(DATA / name), add1=False, completion=False)
    assert set(ours.selected) == reference


def test_the_cli_prints_the_count_as_json():
    run = subprocess.run([str(Path(sys.executable).parent / "glos-count"), str(DATA / "Poland_Swiecie_2023.pb")],
                         capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert result["rule"] == "equalshares/add1"
    assert set(result["selected"]) == pabulib.official_winners(DATA / "Poland_Swiecie_2023.pb")
    assert result["voters"] == 2553
    for pid, project in result["projects"].items():
        assert "score" in project
        assert project["selected"] == (pid in result["selected"])
        if not project["selected"]:
            assert project["reason"]


def test_the_cli_rule_override_and_bad_input():
    path = str(DATA / "Poland_Swiecie_2023.pb")
    glos_count = str(Path(sys.executable).parent / "glos-count")
    greedy_run = json.loads(subprocess.run([glos_count, path, "--rule", "greedy"], capture_output=True, text=True,
                                           check=True).stdout)
    assert greedy_run["rule"] == "greedy"
    missing = subprocess.run([glos_count, "/no/such/file.pb"], capture_output=True, text=True)
    assert missing.returncode == 2 and "glos-count:" in missing.stderr


def test_a_file_without_a_votes_section_is_refused():
    with pytest.raises(pabulib.PabulibError, match="VOTES"):
        pabulib.read("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50\n")


# --------------------------------------------------------------------------- exactness


def _election(budget, costs, ballots, vote_type="approval", criteria=("draw",)):
    projects = {str(i): Project(str(i), c) for i, c in enumerate(costs)}
    return Election(budget=budget, projects=projects, ballots=[Ballot.of(b) for b in ballots], vote_type=vote_type,
                    tie_break=TieBreak(criteria, seed="test"))


def test_a_float_rounding_cannot_flip_affordability():
    """3 voters with 50 each; after paying 50/3 each for one project, 3 × (50 − 50/3) is exactly 100, which
    floating point computes as 99.99999999999999. The exact check must find the second project affordable."""
    election = _election(150, [50, 100], [{"0": 1, "1": 1}] * 3)
    outcome = equal_shares(election, add1=False, completion=False)
    assert sorted(outcome.selected) == ["0", "1"]
    assert outcome.details["exact_runs"] == 1


def test_ties_follow_the_tie_break_chain():
    election = _election(100, [60, 40, 60], [{"0": 1}, {"1": 1}, {"2": 1}], criteria=("fewer_cost", "draw"))
    assert greedy(election).selected == ["1", "0"] or greedy(election).selected == ["1", "2"]
    order = ranking(election, election.scores(), election.projects)
    assert order[0] == "1"  # cheapest of three tied
    seeded = _election(100, [60, 60], [{"0": 1}, {"1": 1}])
    first = ranking(seeded, seeded.scores(), seeded.projects)
    assert first == ranking(seeded, seeded.scores(), seeded.projects)  # a draw is reproducible from its seed


# --------------------------------------------------------------------------- invariants (hypothesis)


@st.composite
def instances(draw, vote_type="approval"):
    n_projects = draw(st.integers(1, 7))
    costs = draw(st.lists(st.integers(1, 60), min_size=n_projects, max_size=n_projects))
    n_voters = draw(st.integers(1, 25))
    ballots = []
    for _ in range(n_voters):
        chosen = draw(st.lists(st.integers(0, n_projects - 1), unique=True, max_size=n_projects))
        points = [draw(st.integers(1, 3)) if vote_type == "cumulative" else 1 for _ in chosen]
        ballots.append({str(p): pts for p, pts in zip(chosen, points)})
    budget = draw(st.integers(1, 200))
    return _election(budget, costs, ballots, vote_type)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(instances())
def test_greedy_never_exceeds_the_budget_and_respects_the_order(election):
    outcome = greedy(election)
    assert outcome.total_cost <= election.budget
    left = election.budget
    for pid in ranking(election, outcome.scores, election.projects):
        if pid in outcome.selected:
            left -= election.projects[pid].cost
        else:
            assert outcome.excluded[pid] == DID_NOT_FIT
            assert election.projects[pid].cost > left  # skipped only because it no longer fitted


@FAST
@given(st.one_of(instances("approval"), instances("cumulative")))
def test_mes_with_completion_never_exceeds_the_budget(election):
    for rule in ("equalshares", "equalshares/add1", "equalshares/add1-comparison"):
        assert count(election, rule).total_cost <= election.budget


@FAST
@given(st.one_of(instances("approval"), instances("cumulative")))
def test_mes_payments_never_exceed_a_voters_money_and_pay_each_winner_in_full(election):
    _, utility = _utility_for(election)
    inst = _Instance(election, utility)
    share = Fraction(election.budget, max(len(election.ballots), 1))
    ledger: list[tuple[str, list[Fraction]]] = []
    winners = _mes_run(inst, share, lambda p: p, ledger=ledger)
    money = [share] * len(inst.group_weights)
    for pid, payments in ledger:
        for g, pay in enumerate(payments):
            assert 0 <= pay <= money[g]
            money[g] -= pay
        assert sum(inst.group_weights[g] * p for g, p in enumerate(payments)) == inst.costs[pid]
    assert [pid for pid, _ in ledger] == winners


@FAST
@given(st.one_of(instances("approval"), instances("cumulative")))
def test_the_float_run_decides_exactly_like_the_exact_run(election):
    from voting_svc.counting.rules import mes_run

    _, utility = _utility_for(election)
    inst = _Instance(election, utility)
    share = election.budget // max(len(election.ballots), 1)
    assert mes_run(inst, share, lambda p: p)[0] == _mes_run(inst, share, lambda p: p)


@FAST
@given(st.one_of(instances("approval"), instances("cumulative")))
def test_runs_together_decide_like_the_exact_run_share_by_share(election):
    """Add1's batched runs (several shares in lockstep, splitting where they choose differently) give each
    share the winners the exact run gives it; a share too close to call in floats is left to the caller."""
    from voting_svc.counting.rules import _mes_runs_together

    _, utility = _utility_for(election)
    inst = _Instance(election, utility)
    first = election.budget // max(len(election.ballots), 1)
    shares = list(range(first, first + 24))
    together = _mes_runs_together(inst, shares, lambda p: p)
    assert len(together) == len(shares)
    for share, winners in zip(shares, together):
        if winners is not None:
            assert winners == _mes_run(inst, share, lambda p: p), share


def _add1_one_share_at_a_time(election):
    """Add1 as it is defined, for comparison: raise the share by 1 and re-run while the outcome fits."""
    from voting_svc.counting.rules import mes_run

    _, utility = _utility_for(election)
    inst = _Instance(election, utility)
    order = {pid: i for i, pid in enumerate(ranking(election, election.scores(), election.projects))}
    share = election.budget // max(len(election.ballots), 1)
    winners, _ = mes_run(inst, share, order.get)
    while set(winners) != set(inst.candidates):
        candidate, _ = mes_run(inst, share + 1, order.get)
        if sum(inst.costs[p] for p in candidate) > election.budget:
            break
        share, winners = share + 1, candidate
    return share, winners


@FAST
@given(st.one_of(instances("approval"), instances("cumulative")))
def test_batched_add1_is_add1_one_share_at_a_time(election):
    outcome = equal_shares(election, add1=True, completion=False)
    share, winners = _add1_one_share_at_a_time(election)
    assert outcome.details["final_share"] == share
    assert outcome.selected == winners


REAL_APPROVAL = ["Poland_Swiecie_2023", "Poland_Warszawa_2023_Rembertow", "Poland_Warszawa_2019_Anin",
                 "Poland_Lodz_2023_Baluty-Doly"]


@pytest.mark.parametrize("name", REAL_APPROVAL)
def test_batched_add1_is_add1_one_share_at_a_time_on_real_votes(name):
    """(Świecie counted this way; the others are approval votes counted here with MES+Add1 as well.)"""
    election = pabulib.load(DATA / f"{name}.pb")
    outcome = equal_shares(election, add1=True, completion=False)
    share, winners = _add1_one_share_at_a_time(election)
    assert (outcome.details["final_share"], outcome.selected) == (share, winners)
    assert outcome.details["add1_rounds"] > 10


def test_the_results_export_names_a_district_and_the_ballot_numbers_for_a_reimport():
    """Issue 27 (6): the export carries what an import needs — Pabulib's `district` key for a district area and
    each project's number on the ballot — and still recomputes from its own files."""
    import io
    import zipfile

    from voting_svc.counting import pabulib
    from voting_svc.counting.edition import export_zip

    areas = [{"area_id": "a1", "name": "Dąb", "kind": "district", "budget": 1000,
              "projects": [{"proposal_id": "p1", "external_id": "D/01", "title": "Ławki", "cost": 400}]},
             {"area_id": "a2", "name": "Katowice — ogólnomiejski", "kind": "city", "budget": 1000,
              "projects": [{"proposal_id": "p2", "external_id": None, "title": "Tramwaj", "cost": 900}]}]
    rules = {"city": {"type": "approval", "min_projects": 1, "max_projects": 1},
             "district": {"type": "approval", "min_projects": 1, "max_projects": 1},
             "selection": {"rule": "greedy"}}
    data = export_zip(edition={"edition_id": "e1", "name": "BO", "city": "Katowice", "year": 2027}, rules=rules,
                      rules_sha256="0" * 64, areas=areas,
                      voters=[[{"area_id": "a1", "choices": [{"project_id": "p1", "points": 1}]}]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        district = pabulib.read(archive.read("000_Dąb.pb").decode())
        city = pabulib.read(archive.read("001_Katowice___ogólnomiejski.pb").decode())
    assert district.meta["district"] == "Dąb" and "district" not in city.meta
    assert district.projects[0]["number"] == "D/01" and city.projects[0]["number"] == ""


def test_a_voting_extension_is_in_the_results_and_the_export_recomputes_it():
    """Issue 26 (4): voting extended after an outage is part of the published results — and of the anonymised
    export (voting.json), so that a recomputation from the export alone gives the same document."""
    import hashlib

    from glos_chassis.canonical import canonical_json
    from voting_svc.counting.edition import export_zip, recompute

    areas = [{"area_id": "a1", "name": "Dąb", "kind": "district", "budget": 1000,
              "projects": [{"proposal_id": "p1", "external_id": None, "title": "Ławki", "cost": 400}]}]
    rules = {"city": {"type": "approval", "min_projects": 1, "max_projects": 1},
             "district": {"type": "approval", "min_projects": 1, "max_projects": 1},
             "selection": {"rule": "greedy", "tie_break": ["draw"]}}
    digest = hashlib.sha256(canonical_json(rules)).hexdigest()
    extended = [{"previous_ends_at": "2027-05-31T21:59:00+00:00", "ends_at": "2027-05-31T22:30:00+00:00",
                 "reason": "awaria rejestru głosów 20:10–20:40"}]
    voters = [[{"area_id": "a1", "choices": [{"project_id": "p1", "points": 1}]}]]
    edition = {"edition_id": "e1", "name": "BO", "city": "Katowice", "year": 2027}
    with_extension = recompute(export_zip(edition=edition, rules=rules, rules_sha256=digest, areas=areas, voters=voters,
                                          voting_extensions=extended), "seed")
    assert with_extension["voting_extensions"] == extended
    without = recompute(export_zip(edition=edition, rules=rules, rules_sha256=digest, areas=areas, voters=voters),
                        "seed")
    assert "voting_extensions" not in without  # an edition never extended: the document as it always was
    assert {k: v for k, v in with_extension.items() if k != "voting_extensions"} == without
