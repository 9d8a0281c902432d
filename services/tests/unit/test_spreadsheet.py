"""CSV exports never carry a cell a spreadsheet would run as a formula — through each service's own export."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from glos_chassis.spreadsheet import safe_cell

ATTACKS = ["=HYPERLINK(\"http://zly.example\",\"kliknij\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_cells_become_text(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_values_are_left_alone():
    assert [safe_cell(v) for v in ("Ławki na placu", "", 12, -5, 1.5, None)] == ["Ławki na placu", "", 12, -5, 1.5, None]


def _cells(text: str, delimiter: str = ",") -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row}


def test_proposal_lists_results_and_survey_answers_are_neutralised():
    from consultation_svc.surveys import responses_csv
    from proposals_svc.lists import as_csv as lists_csv
    from voting_svc.results import as_csv as results_csv

    attack = ATTACKS[0]
    lists = SimpleNamespace(lists={"areas": [{"name": attack, "kind": "district", "qualified": [
        {"proposal_id": "p1", "title": "=cmd|' /C calc'!A0", "cost": 1000}], "rejected": [
        {"proposal_id": "p2", "title": "Ok", "cost": 5, "stage": "formal", "reason": "@powód"}]}]})
    assert {"'" + attack, "'=cmd|' /C calc'!A0", "'@powód", "1000"} <= _cells(lists_csv(lists))
    document = {"areas": [{"name": attack, "projects": {"p1": {"cost": 10, "score": 3, "selected": True}}}]}
    assert {"'" + attack, "10", "3"} <= _cells(results_csv(document), ";")
    question = SimpleNamespace(code="q1", type="long_text", spec={})
    assert "'-1+1 to zły pomysł" in _cells(responses_csv([question], [({"q1": "-1+1 to zły pomysł"}, "Dąb", "30-44")]))
