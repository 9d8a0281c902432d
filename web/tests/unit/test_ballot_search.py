"""Issue 23 (4): the ballot of an area with 46 projects gets a search, a category filter and "only my choices" —
which only hide projects: every choice stays on the ballot, shown or not."""

from __future__ import annotations

from glos_web.views.ballot import shown_projects

AREA = {"area_id": "a", "projects": [
    {"proposal_id": "p1", "external_id": "L10/01", "title": "Biblioteka na Dębie", "cost": 25_000},
    {"proposal_id": "p2", "external_id": "L10/02", "title": "Chodnik przy Jabłoniowej", "cost": 50_200},
    {"proposal_id": "p3", "external_id": "L10/03", "title": "Dębowa Scena", "cost": 65_000},
    {"proposal_id": "p4", "external_id": "L10/04", "title": "Radary prędkości", "cost": 126_000}]}
DETAILS = {"p1": {"category": "kultura", "description": "Nowe książki i audiobooki."},
           "p2": {"category": "drogi", "location_address": "ul. Jabłoniowa 54"},
           "p3": {"category": "kultura", "description": "Spektakle teatralne dla mieszkańców."},
           "p4": {"category": "drogi"}}
NOTHING = {"q": "", "category": "", "mine": False}


def test_without_filters_every_project_is_shown_and_the_categories_are_listed():
    shown, categories = shown_projects(AREA, {}, NOTHING, DETAILS)
    assert shown == {"p1", "p2", "p3", "p4"} and categories == ["drogi", "kultura"]


def test_the_search_reads_titles_numbers_descriptions_and_addresses_in_any_case():
    assert shown_projects(AREA, {}, {**NOTHING, "q": "TEATRALNE"}, DETAILS)[0] == {"p3"}
    assert shown_projects(AREA, {}, {**NOTHING, "q": "jabłoniowa"}, DETAILS)[0] == {"p2"}
    assert shown_projects(AREA, {}, {**NOTHING, "q": "l10/04"}, DETAILS)[0] == {"p4"}
    assert shown_projects(AREA, {}, {**NOTHING, "q": "basen"}, DETAILS)[0] == set()


def test_category_and_only_my_choices_combine():
    chosen = {"p1": 1, "p4": 1}
    assert shown_projects(AREA, chosen, {**NOTHING, "mine": True}, DETAILS)[0] == {"p1", "p4"}
    assert shown_projects(AREA, chosen, {**NOTHING, "mine": True, "category": "drogi"}, DETAILS)[0] == {"p4"}
    assert shown_projects(AREA, chosen, {**NOTHING, "category": "kultura"}, DETAILS)[0] == {"p1", "p3"}


def test_a_project_proposals_svc_does_not_describe_is_still_found_by_its_title():
    assert shown_projects(AREA, {}, {**NOTHING, "q": "scena"}, {})[0] == {"p3"}
