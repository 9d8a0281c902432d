"""A request a schema refuses is answered with the fields' own messages as its detail, in the request's language:
a client that shows one sentence (the office console beside a button) shows what is wrong with what was typed."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import UnprocessableEntity

from glos_chassis.errors import _handle_http_exception


def refusal(language: str, messages: dict) -> dict:
    exc = UnprocessableEntity()
    exc.data = {"messages": {"json": messages}}
    with Flask(__name__).test_request_context(headers={"Accept-Language": language}):
        return _handle_http_exception(exc).get_json()


def test_the_detail_is_what_is_wrong_with_each_field_not_a_pointer_to_errors():
    body = refusal("pl", {"stem": ["Length must be between 3 and 100."]})
    assert body["status"] == 422 and body["type"] == "https://glos.pl/problems/validation"
    assert body["errors"][0]["field"] == "stem"
    assert body["detail"] == body["errors"][0]["message"] and "errors" not in body["detail"]
    english = refusal("en", {"stem": ["Length must be between 3 and 100."]})
    assert english["detail"] == "Length must be between 3 and 100."


def test_one_sentence_for_each_different_message():
    body = refusal("en", {"name": ["Missing data for required field."], "email": ["Missing data for required field."],
                          "year": ["Not a valid integer."]})
    assert body["detail"] == "Missing data for required field. Not a valid integer."
