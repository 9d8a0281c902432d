"""Reading a survey form into the answers consultation-svc checks (glos_web/survey.py): each question type's
JSON value, what the form cannot express named here, and the answers to questions that do not apply dropped."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from glos_web import survey

QUESTIONS = [
    {"code": "q1", "type": "single", "spec": {"options": ["tak", "nie"]}},
    {"code": "q2", "type": "multiple", "spec": {"options": ["a", "b", "c"]}},
    {"code": "q3", "type": "scale", "spec": {"min": 1, "max": 5}},
    {"code": "q4", "type": "ranking", "spec": {"options": ["x", "y", "z"]}},
    {"code": "q5", "type": "numeric", "spec": {}},
    {"code": "q6", "type": "long_text", "spec": {}, "condition": {"question": "q1", "any_of": ["nie"]}},
    {"code": "q7", "type": "matrix", "spec": {"rows": ["r1", "r2"], "min": 1, "max": 5}},
]


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def test_each_type_becomes_its_json_value():
    form = MultiDict([("answers_q1", "tak"), ("answers_q2", "a"), ("answers_q2", "c"), ("answers_q3", "4"),
                      ("answers_q4__0", "2"), ("answers_q4__1", "3"), ("answers_q4__2", "1"), ("answers_q5", "12,5"),
                      ("answers_q7__0", "3"), ("answers_q7__1", "5")])
    answers, typed, errors = survey.read(QUESTIONS, form)
    assert errors == {}
    assert answers == {"q1": "tak", "q2": ["a", "c"], "q3": 4, "q4": ["z", "x", "y"], "q5": 12.5,
                       "q7": {"r1": 3, "r2": 5}}
    assert typed["answers_q5"] == "12,5" and typed["answers_q4__2"] == "1"


def test_what_a_form_cannot_express_is_named_here():
    form = MultiDict([("answers_q4__0", "1"), ("answers_q4__1", "1"), ("answers_q4__2", "2"), ("answers_q5", "dużo")])
    _, typed, errors = survey.read(QUESTIONS, form)
    assert set(errors) == {"answers_q4", "answers_q5"}
    assert typed["answers_q5"] == "dużo"


def test_an_answer_to_a_question_that_does_not_apply_is_not_sent():
    typed_while_hidden = MultiDict([("answers_q1", "tak"), ("answers_q6", "Bo tak.")])
    answers, _, _ = survey.read(QUESTIONS, typed_while_hidden)
    assert answers == {"q1": "tak"}
    assert survey.asked(QUESTIONS, {"q1": "nie"}) >= {"q6"}
    assert "q6" not in survey.asked(QUESTIONS, {})


def test_a_saved_response_fills_the_form_again():
    saved = {"q1": "nie", "q2": ["b"], "q3": 2, "q4": ["y", "z", "x"], "q6": "Za daleko.", "q7": {"r1": 1, "r2": 2}}
    typed = survey.typed_from(QUESTIONS, saved)
    again, _, errors = survey.read(QUESTIONS, MultiDict(
        [(k, v) for k, vs in typed.items() for v in (vs if isinstance(vs, list) else [vs])]))
    assert errors == {} and again == saved
