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


BANDED = {"total": 9, "districts": [{"district": "Dąb", "eligible": 5, "age_bands": {"18-29": 2, "75+": 3}},
                                    {"district": "Ligota", "eligible": 4, "age_bands": {"18-29": 4}}]}


def test_by_age_the_city_wide_area_sums_the_districts_and_a_district_has_its_own():
    from glos_web.views.editions import eligible_by_area_and_age

    assert eligible_by_area_and_age(AREAS, BANDED) == {"c": {"18-29": 6, "75+": 3}, "d": {"18-29": 2, "75+": 3}}
    assert eligible_by_area_and_age(AREAS, None) == {}


def test_the_downloadable_table_gives_a_share_only_where_both_counts_are_known():
    from glos_web.views.editions import turnout_rows

    areas = [{**AREAS[1], "voters": 3}, {**AREAS[2], "voters": 1}]
    rows = turnout_rows(areas, {"d": {"online": 2, "paper": 1}, "z": {"online": 1}}, {"d": 5},
                        {"d": {"18-29": 1, "75+": 2}, "z": {"30-44": 1}}, {"d": {"18-29": 2, "75+": 3}})
    assert [(r["area"], r["age_band"], r["online"], r["paper"], r["voters"], r["eligible"], r["turnout_percent"])
            for r in rows] == [
        ("Dąb", None, 2, 1, 3, 5, 60.0), ("Dąb", "18-29", None, None, 1, 2, 50.0),
        ("Dąb", "75+", None, None, 2, 3, 66.67),
        ("Zawodzie", None, 1, 0, 1, None, None), ("Zawodzie", "30-44", None, None, 1, None, None)]
