"""proposals-svc's pure rules: the voting rules' schema (each mistake by its field), which phase is due when, and
reading a Pabulib file (what makes one unusable)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from marshmallow import ValidationError

from glos_chassis.errors import Problem
from proposals_svc.pabulib import read
from proposals_svc.phases import due_phase
from proposals_svc.rules import VotingRulesSchema

DATA = Path(__file__).resolve().parents[3] / "data" / "pabulib"
SEED = "ab" * 32
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "approval", "max_projects": 5},
    "selection": {"rule": "greedy-threshold", "min_score_by_kind": {"city": 200, "district": 50},
                  "draw_seed_sha256": SEED},
    "eligibility": {"voting_day": "2027-05-31", "residency": "either"},
}


def _errors(rules: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        VotingRulesSchema().load(rules)
    return caught.value.normalized_messages()


def test_complete_rules_load_with_their_defaults():
    loaded = VotingRulesSchema().load(copy.deepcopy(RULES))
    assert loaded["district"]["min_projects"] == 1 and loaded["district_choice"] == "own"
    assert loaded["selection"]["tie_break"] == ["draw"] and loaded["revoting"] is False
    assert loaded["paper_and_online"] == "first_counts"


@pytest.mark.parametrize("change,path", [
    (lambda r: r["city"].pop("max_points"), ("city", "max_points")),
    (lambda r: r["city"].update(min_projects=4), ("city", "min_projects")),
    (lambda r: r.update(district={"type": "ordinal", "max_projects": 3, "rank_points": [3, 2]}),
     ("district", "rank_points")),
    (lambda r: r["district"].update(type="lottery"), ("district", "type")),
    (lambda r: r["district"].update(max_projects=0), ("district", "max_projects")),
    (lambda r: r["district"].update(max_projects="5"), ("district", "max_projects")),  # strict: no strings
    (lambda r: r["selection"].update(rule="loteria"), ("selection", "rule")),
    (lambda r: r["selection"].update(draw_seed_sha256="nie-skrót"), ("selection", "draw_seed_sha256")),
    (lambda r: r["selection"].update(tie_break=[]), ("selection", "tie_break")),
    (lambda r: r["selection"].update(min_score_by_kind={"osiedle": 5}), ("selection", "min_score_by_kind")),
    (lambda r: r["eligibility"].update(residency="anywhere"), ("eligibility", "residency")),
    (lambda r: r["eligibility"].update(min_age=130), ("eligibility", "min_age")),
    (lambda r: r.update(paper_and_online="both_count"), ("paper_and_online",)),
    (lambda r: r.pop("selection"), ("selection",)),
])
def test_each_mistake_in_the_rules_is_named_by_its_field(change, path):
    rules = copy.deepcopy(RULES)
    change(rules)
    errors = _errors(rules)
    for key in path:
        assert key in errors, (path, errors)
        errors = errors[key]


def test_ordinal_rules_need_points_for_every_place():
    rules = copy.deepcopy(RULES)
    rules["city"] = {"type": "ordinal", "max_projects": 3, "rank_points": [3, 2, 1]}
    assert VotingRulesSchema().load(rules)["city"]["rank_points"] == [3, 2, 1]


AT = datetime(2027, 3, 1, 12, tzinfo=UTC)


def _schedule(*phases: tuple[str, int]):
    return [SimpleNamespace(phase=name, starts_at=AT + timedelta(days=days)) for name, days in phases]


@pytest.mark.parametrize("current,phases,due", [
    ("preparation", [("submission", -1), ("formal_verification", 10)], "submission"),
    ("submission", [("submission", -1), ("formal_verification", 10)], None),  # nothing new has started
    ("preparation", [("submission", 1)], None),  # not yet
    ("preparation", [("submission", -20), ("formal_verification", -10), ("substantive_verification", 5)],
     "formal_verification"),  # a worker that was down catches up to the latest started phase
    ("voting", [("submission", -20), ("formal_verification", -10)], None),  # never backwards
    ("preparation", [], None),
])
def test_the_due_phase_is_the_latest_started_one_after_the_current(current, phases, due):
    assert due_phase(_schedule(*phases), current, AT) == due


def test_a_real_pabulib_file_is_read_whole():
    area = read((DATA / "katowice-2020" / "Poland_Katowice_2020_Dab.pb").read_text(encoding="utf-8"))
    assert area.kind == "district" and area.name == area.meta["district"]
    assert int(area.meta["budget"]) > 0 and area.projects
    assert all(p["project_id"] and p["cost"].isdigit() for p in area.projects)


@pytest.mark.parametrize("text,fragment", [
    ("PROJECTS\nproject_id;cost\n1;100\n", "META"),
    ("META\nkey;value\nnum_votes;10\nPROJECTS\nproject_id;cost\n1;100\n", "META"),
    ("META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost\n", "PROJECTS"),
    ("META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost\n1;100\n2;drogo\n", "'2'"),
    ("META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost\n;100\n", "''"),
])
def test_an_unusable_pabulib_file_is_a_422_naming_the_file(text, fragment):
    with pytest.raises(Problem) as caught:
        read(text, source="zly.pb")
    assert caught.value.status == 422 and fragment in caught.value.detail_pl
    assert caught.value.errors[0]["field"] == "zly.pb"


def test_a_city_wide_file_is_the_city_area():
    area = read("META\nkey;value\nbudget;1000\nunit;Kalisz\nPROJECTS\nproject_id;cost\n1;100\n")
    assert area.kind == "city" and area.name == "Kalisz — ogólnomiejski"
