"""Issue 27 (5): a ballot rule in a resident's words — including rules the console previews before they are
complete (a limit left empty was a TypeError, a 500, in the preview). Read in Polish and in English through the
site's own catalogues."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

import glos_web
from glos_web.views.editions import describe_rule

TRANSLATIONS = Path(glos_web.__file__).parent / "translations"


@pytest.fixture(params=["pl", "en"])
def language(request):
    app = Flask("t")
    Babel(app, locale_selector=lambda: request.param, default_translation_directories=str(TRANSLATIONS))
    with app.test_request_context("/"):
        yield request.param


EXPECTED = {
    "pl": [
        ({"type": "approval", "min_projects": 1, "max_projects": 3}, "Wybierz od 1 do 3 projektów."),
        ({"type": "approval", "min_projects": 1, "max_projects": None}, "Wybierz co najmniej 1 projekt."),
        ({"type": "approval", "min_projects": 2}, "Wybierz co najmniej 2 projekty."),
        ({"type": "approval", "min_projects": 0, "max_projects": None}, "Wybierz dowolną liczbę projektów."),
        ({"type": "budget_approval", "min_projects": 1, "max_projects": None},
         "Wybierz projekty o łącznym koszcie nie większym niż pula obszaru: co najmniej 1 projekt."),
        ({"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
         "Rozdziel do 3 punktów między 1–3 projektów."),
        ({"type": "cumulative", "min_projects": 1, "max_projects": None, "max_points": None},
         "Rozdziel do — punktów między wybrane projekty."),
        ({"type": "ordinal", "min_projects": 1, "max_projects": None}, "Uszereguj wybrane projekty od najlepszego."),
    ],
    "en": [
        ({"type": "approval", "min_projects": 1, "max_projects": 3}, "Choose from 1 to 3 projects."),
        ({"type": "approval", "min_projects": 1, "max_projects": None}, "Choose at least 1 project."),
        ({"type": "budget_approval", "min_projects": 2, "max_projects": None},
         "Choose projects whose total cost is within the area's pool: at least 2 projects."),
    ],
}


def test_every_rule_reads_as_a_sentence_even_with_a_limit_left_empty(language):
    for rule, sentence in EXPECTED[language]:
        assert describe_rule(rule) == sentence, rule
    assert describe_rule(None) == ""
