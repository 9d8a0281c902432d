"""Turnout per area (issue 25, point 4): voters against the eligible residents identity-svc counts from the
register — the city-wide area against everyone, a district against its own; unknown stays unknown."""

from __future__ import annotations

from glos_web.views.editions import eligible_by_area

AREAS = [{"area_id": "c", "name": "Katowice — ogólnomiejski", "kind": "city"},
         {"area_id": "d", "name": "Dąb", "kind": "district"},
         {"area_id": "z", "name": "Zawodzie", "kind": "district"}]
POPULATION = {"total": 250_000, "districts": [{"district": "Dąb", "eligible": 5_400, "age_bands": {}},
                                              {"district": "Ligota", "eligible": 30_000, "age_bands": {}}]}


def test_each_area_against_its_own_eligible_residents():
    assert eligible_by_area(AREAS, POPULATION) == {"c": 250_000, "d": 5_400}  # Zawodzie: not in the register


def test_without_a_register_no_turnout_is_made_up():
    assert eligible_by_area(AREAS, None) == {}
    assert eligible_by_area(AREAS, {"total": 0, "districts": []}) == {}
