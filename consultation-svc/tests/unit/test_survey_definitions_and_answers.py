"""A survey's definition checked question by question, and a response's answers checked against it — every
problem named by its field (`questions.N.…`, `answers.CODE`), conditional questions shown only when they apply."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from consultation_svc.surveys import check_answers, check_definition


def q(code, type_, spec=None, *, required=False, condition=None) -> dict:
    return {"code": code, "type": type_, "text": code, "spec": spec or {}, "required": required,
            "condition": condition}


def fields(errors: list[dict]) -> set[str]:
    return {e["field"] for e in errors}


EVERY_TYPE = [
    q("q1", "single", {"options": ["codziennie", "czasem", "nigdy"]}, required=True),
    q("q2", "multiple", {"options": ["ławek", "zieleni", "cienia"], "min_choices": 1, "max_choices": 2},
      required=True),
    q("q3", "scale", {"min": 1, "max": 5}, required=True),
    q("q4", "ranking", {"options": ["fontanna", "drzewa", "scena"]}),
    q("q5", "numeric", {"min": 0, "max": 600, "integer": True}),
    q("q6", "short_text", {"max_length": 40}),
    q("q7", "long_text", required=True, condition={"question": "q1", "any_of": ["nigdy"]}),
    q("q8", "matrix", {"rows": ["oświetlenie", "czystość"], "min": 1, "max": 5}),
]
QUESTIONS = [SimpleNamespace(**d) for d in EVERY_TYPE]
GOOD = {"q1": "czasem", "q2": ["ławek"], "q3": 4, "q4": ["drzewa", "scena", "fontanna"], "q5": 30,
        "q6": "zielono", "q8": {"oświetlenie": 2, "czystość": 5}}


def test_a_survey_with_every_question_type_is_well_defined():
    assert check_definition(EVERY_TYPE) == []


@pytest.mark.parametrize("questions,field", [
    ([q("a", "single", {"options": ["tak"]})], "questions.0.spec.options"),
    ([q("a", "single", {"options": ["tak", "tak"]})], "questions.0.spec.options"),
    ([q("a", "ranking", {"options": ["x", ""]})], "questions.0.spec.options"),
    ([q("a", "multiple", {"options": ["x", "y"], "min_choices": 2, "max_choices": 1})], "questions.0.spec.max_choices"),
    ([q("a", "multiple", {"options": ["x", "y"], "max_choices": 3})], "questions.0.spec.max_choices"),
    ([q("a", "scale", {"min": 5, "max": 1})], "questions.0.spec.max"),
    ([q("a", "scale", {"min": 0, "max": 11})], "questions.0.spec.max"),  # 12 points: too many
    ([q("a", "matrix", {"rows": []})], "questions.0.spec.rows"),
    ([q("a", "numeric", {"min": 10, "max": 10})], "questions.0.spec.max"),
    ([q("a", "short_text"), q("a", "long_text")], "questions.1.code"),
    ([q("b", "long_text", condition={"question": "a", "any_of": ["x"]}), q("a", "single", {"options": ["x", "y"]})],
     "questions.0.condition.question"),  # a condition names an earlier question
    ([q("a", "short_text"), q("b", "long_text", condition={"question": "a", "any_of": ["x"]})],
     "questions.1.condition.question"),  # only after a choice or scale question
    ([q("a", "single", {"options": ["x", "y"]}), q("b", "long_text", condition={"question": "a", "any_of": ["z"]})],
     "questions.1.condition.any_of"),
])
def test_a_badly_defined_question_is_named_by_its_field(questions, field):
    assert field in fields(check_definition(questions))


def test_a_complete_response_passes():
    assert check_answers(QUESTIONS, GOOD) == []


@pytest.mark.parametrize("change,field", [
    ({"q1": "zawsze"}, "answers.q1"),
    ({"q1": None}, "answers.q1"),  # required
    ({"q2": ["ławek", "zieleni", "cienia"]}, "answers.q2"),  # more than max_choices
    ({"q2": ["ławek", "ławek"]}, "answers.q2"),
    ({"q2": "ławek"}, "answers.q2"),
    ({"q3": 6}, "answers.q3"),
    ({"q3": True}, "answers.q3"),  # a boolean is no scale point
    ({"q3": 3.5}, "answers.q3"),
    ({"q4": ["drzewa", "scena"]}, "answers.q4"),  # every option ranked
    ({"q5": 30.5}, "answers.q5"),  # integer
    ({"q5": 601}, "answers.q5"),
    ({"q5": "trzydzieści"}, "answers.q5"),
    ({"q6": "x" * 41}, "answers.q6"),
    ({"q6": 7}, "answers.q6"),
    ({"q7": "Nie mam czasu."}, "answers.q7"),  # hidden: q1 is not "nigdy"
    ({"q8": {"oświetlenie": 2}}, "answers.q8"),  # every row
    ({"q8": {"oświetlenie": 2, "czystość": 9}}, "answers.q8"),
    ({"q99": "tak"}, "answers.q99"),  # no such question
])
def test_each_wrong_answer_is_named_by_its_question(change, field):
    answers = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert fields(check_answers(QUESTIONS, answers)) == {field}


def test_a_conditional_question_is_required_only_when_shown():
    never = {**GOOD, "q1": "nigdy"}
    assert fields(check_answers(QUESTIONS, never)) == {"answers.q7"}
    assert check_answers(QUESTIONS, {**never, "q7": "Daleko od domu."}) == []


def test_every_problem_is_reported_at_once_in_polish_and_english():
    errors = check_answers(QUESTIONS, {"q1": "zawsze", "q3": 0})
    assert fields(errors) == {"answers.q1", "answers.q2", "answers.q3"}
    assert all(e["message"] and e["message_en"] for e in errors)
