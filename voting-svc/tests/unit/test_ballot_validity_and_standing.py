"""voting-svc's pure rules: a ballot checked against the frozen rules (every violation named by area and
project, nothing counted unless the whole ballot is valid), and which of a person's ballots counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from glos_chassis.errors import Problem
from voting_svc.ballots import validate_ballot
from voting_svc.standing import COUNT, INVALID, LATE, NOT_COUNTED, REPLACE, VOID_ALL, Standing, decide

CITY, DAB, LIGOTA = "a-city", "a-dab", "a-ligota"


def ballot(city_rule: dict, district_rule: dict | None = None, **rules):
    def projects(prefix, costs):
        return [{"proposal_id": f"{prefix}{i}", "cost": cost} for i, cost in enumerate(costs, 1)]

    return SimpleNamespace(rules={"city": city_rule, "district": district_rule or city_rule, **rules}, areas=[
        {"area_id": CITY, "name": "Ogólnomiejski", "kind": "city", "budget": 1000,
         "projects": projects("c", (400, 500, 300))},
        {"area_id": DAB, "name": "Dąb", "kind": "district", "budget": 100, "projects": projects("d", (60, 50))},
        {"area_id": LIGOTA, "name": "Ligota", "kind": "district", "budget": 100, "projects": projects("l", (40,))},
    ])


APPROVAL = {"type": "approval", "min_projects": 1, "max_projects": 2}
CUMULATIVE = {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 5}
ORDINAL = {"type": "ordinal", "min_projects": 1, "max_projects": 3, "rank_points": [3, 2, 1]}
BUDGET = {"type": "budget_approval", "min_projects": 1, "max_projects": 3}


def part(area, *choices):
    return {"area_id": area, "choices": [c if isinstance(c, dict) else {"project_id": c} for c in choices]}


def refused(b, parts, district="Dąb") -> dict[str, str]:
    with pytest.raises(Problem) as caught:
        validate_ballot(b, district, parts)
    assert caught.value.status == 422 and caught.value.type.endswith("/invalid-ballot")
    return {e["field"]: e["message"] for e in caught.value.errors}


def test_an_approval_ballot_is_normalised_to_one_point_each():
    parts = validate_ballot(ballot(APPROVAL), "Dąb", [part(CITY, "c1", "c3"), part(DAB, "d2")])
    assert parts == [{"area_id": CITY, "choices": [{"project_id": "c1", "points": 1},
                                                   {"project_id": "c3", "points": 1}]},
                     {"area_id": DAB, "choices": [{"project_id": "d2", "points": 1}]}]


def test_ordinal_points_follow_the_order_of_the_choices():
    (city,) = validate_ballot(ballot(ORDINAL), "Dąb", [part(CITY, "c3", "c1")])
    assert [(c["project_id"], c["points"]) for c in city["choices"]] == [("c3", 3), ("c1", 2)]


def test_cumulative_points_are_kept_and_capped():
    (city,) = validate_ballot(ballot(CUMULATIVE), "Dąb",
                              [part(CITY, {"project_id": "c1", "points": 3}, {"project_id": "c2", "points": 2})])
    assert [c["points"] for c in city["choices"]] == [3, 2]
    errors = refused(ballot(CUMULATIVE), [part(CITY, {"project_id": "c1", "points": 4},
                                                {"project_id": "c2", "points": 2})])
    assert "najwyżej 5" in errors["parts.0.choices"]
    errors = refused(ballot(CUMULATIVE), [part(CITY, {"project_id": "c1", "points": 0}, {"project_id": "c2"})])
    assert set(errors) == {"parts.0.choices.0.points", "parts.0.choices.1.points"}


def test_points_on_an_approval_ballot_are_refused():
    assert "parts.0.choices.0.points" in refused(ballot(APPROVAL), [part(CITY, {"project_id": "c1", "points": 3})])


def test_a_budget_ballot_may_not_exceed_the_area_budget():
    assert validate_ballot(ballot(BUDGET), "Dąb", [part(CITY, "c1", "c2")])  # 900 of 1000
    assert "1200 zł" in refused(ballot(BUDGET), [part(CITY, "c1", "c2", "c3")])["parts.0.choices"]


@pytest.mark.parametrize("parts,field,fragment", [
    ([part("nowhere", "c1")], "parts.0.area_id", "Nie ma takiego obszaru"),
    ([part(CITY, "c1"), part(CITY, "c2")], "parts.1.area_id", "dwa razy"),
    ([part(LIGOTA, "l1")], "parts.0.area_id", "swoim osiedlu (Dąb)"),
    ([part(CITY, "d1")], "parts.0.choices.0.project_id", "nie ma na karcie"),
    ([part(CITY, "c1", "c1")], "parts.0.choices", "więcej niż raz"),
    ([part(CITY, "c1", "c2", "c3")], "parts.0.choices", "od 1 do 2"),
    ([part(CITY)], "parts.0.choices", "od 1 do 2"),
    ([], "parts", "pusta"),
])
def test_every_violation_is_named_by_area_and_project(parts, field, fragment):
    errors = refused(ballot(APPROVAL), parts)
    assert fragment in errors[field], errors


def test_any_district_may_be_chosen_when_the_edition_says_so():
    assert validate_ballot(ballot(APPROVAL, district_choice="any"), "Dąb", [part(LIGOTA, "l1")])


def test_a_dry_run_without_a_district_and_a_ballot_still_being_filled_in():
    """The site's check of one step: no credential (no own-district rule), and no parts yet is no error."""
    assert validate_ballot(ballot(APPROVAL), None, [part(LIGOTA, "l1")])
    assert validate_ballot(ballot(APPROVAL), None, [], whole=False) == []
    with pytest.raises(Problem):
        validate_ballot(ballot(APPROVAL), None, [part(CITY, "c1", "c1")], whole=False)


def test_one_bad_part_refuses_the_whole_ballot_and_names_every_violation():
    errors = refused(ballot(APPROVAL), [part(CITY, "c1", "c1"), part(LIGOTA, "l1"), part(DAB, "x9")])
    assert set(errors) == {"parts.0.choices", "parts.1.area_id", "parts.2.choices.0.project_id"}


CLOSE = datetime(2027, 5, 31, 20, tzinfo=UTC)
ONLINE, PAPER = Standing("counted", "online"), Standing("counted", "paper")


@pytest.mark.parametrize("current,channel,rules,decision", [
    (None, "online", {}, COUNT),
    (None, "paper", {}, COUNT),
    (ONLINE, "online", {}, NOT_COUNTED),  # a second ballot that slipped past the vote path
    (ONLINE, "online", {"revoting": True}, REPLACE),
    (PAPER, "paper", {"revoting": True}, NOT_COUNTED),  # re-voting is for online ballots
    (ONLINE, "paper", {}, NOT_COUNTED),  # first_counts
    (PAPER, "online", {"paper_and_online": "first_counts"}, NOT_COUNTED),
    (ONLINE, "paper", {"paper_and_online": "all_invalid"}, VOID_ALL),  # Warsaw's rule
    (Standing("invalid", "online"), "online", {"revoting": True}, INVALID),
])
def test_which_ballot_counts(current, channel, rules, decision):
    assert decide(current, channel, rules) == decision


def test_a_ballot_after_the_close_is_late_whatever_came_before():
    late = CLOSE + timedelta(microseconds=1)
    assert decide(None, "online", {}, cast_at=late, closed_at=CLOSE) == LATE
    assert decide(ONLINE, "online", {"revoting": True}, cast_at=late, closed_at=CLOSE) == LATE
    assert decide(None, "online", {}, cast_at=CLOSE, closed_at=CLOSE) == COUNT  # at the close is in time
