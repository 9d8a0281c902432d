"""A consultation's survey as an HTML form: the names of its inputs, reading what was sent into the answers
consultation-svc checks, and which conditional questions are asked.

consultation-svc decides what is a valid answer (and says so per question, `answers.CODE`); this module only
turns form fields into values of the right JSON type, and names here what a form cannot express as such (a
number that is not one, two options given the same place in a ranking).

Conditional questions work without JavaScript: a question whose condition is not met by the answers so far is
rendered `hidden` (not asked). When a sent form makes a question apply that the person has not seen, the form
comes back with it shown and what was typed kept, instead of being sent. JavaScript (static/js/survey.js) does
the same as the person answers, so they rarely see that second step. The rule itself — an earlier answer is
(or, for multiple choice, includes) one of `any_of` — is the one consultation-svc applies.
"""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict


def input_name(code: str) -> str:
    """The input's name is the path consultation-svc's errors use (`answers.CODE`) as api.field_errors spells
    it, so an error lands next to its question."""
    return "answers_" + code.replace(".", "_")


def shown(question: dict, answers: dict) -> bool:
    condition = question.get("condition")
    if not condition:
        return True
    value = answers.get(condition["question"])
    if isinstance(value, list):
        return any(v in condition["any_of"] for v in value)
    return value in condition["any_of"]


def asked(questions: list[dict], answers: dict) -> set[str]:
    """The codes of the questions that apply given these answers (a condition looks at an earlier question)."""
    return {q["code"] for q in questions if shown(q, answers)}


def _number(text: str):
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    value = float(cleaned)
    return int(value) if value.is_integer() and "." not in cleaned else value


def read(questions: list[dict], form: MultiDict) -> tuple[dict, dict, dict]:
    """The form → (answers to send, what was typed for the form to show again, errors found here)."""
    answers, typed, errors = {}, {}, {}
    for q in questions:
        name, kind, spec = input_name(q["code"]), q["type"], q.get("spec") or {}
        if kind == "multiple":
            chosen = form.getlist(name)
            typed[name] = chosen
            if chosen:
                answers[q["code"]] = chosen
        elif kind == "ranking":
            options = spec.get("options", [])
            places = {option: form.get(f"{name}__{i}", "").strip() for i, option in enumerate(options)}
            typed.update({f"{name}__{i}": places[o] for i, o in enumerate(options)})
            given = {o: p for o, p in places.items() if p}
            if given:
                numbers = sorted(given.values())
                if len(given) != len(options) or numbers != sorted(str(n) for n in range(1, len(options) + 1)):
                    errors[name] = _("Nadaj każdej odpowiedzi inne miejsce, od 1 do %(n)s.", n=len(options))
                answers[q["code"]] = sorted(given, key=lambda o: int(given[o]))
        elif kind == "matrix":
            rows = spec.get("rows", [])
            values = {row: form.get(f"{name}__{i}", "") for i, row in enumerate(rows)}
            typed.update({f"{name}__{i}": values[r] for i, r in enumerate(rows)})
            if any(values.values()):
                answers[q["code"]] = {row: int(v) for row, v in values.items() if v.lstrip("-").isdigit()}
        else:
            text = form.get(name, "").strip()
            typed[name] = text
            if not text:
                continue
            if kind == "scale":
                answers[q["code"]] = int(text) if text.lstrip("-").isdigit() else text
            elif kind == "numeric":
                try:
                    answers[q["code"]] = _number(text)
                except ValueError:
                    errors[name] = _("Podaj liczbę, np. 30.")
            else:  # single, short_text, long_text
                answers[q["code"]] = text
    # an answer to a question that does not apply is not sent (JavaScript may have hidden it after it was typed)
    applying = asked(questions, answers)
    return {code: value for code, value in answers.items() if code in applying}, typed, errors


def typed_from(questions: list[dict], answers: dict) -> dict:
    """A saved response → the form's values, to correct it."""
    typed = {}
    for q in questions:
        name, value, spec = input_name(q["code"]), answers.get(q["code"]), q.get("spec") or {}
        if value is None:
            continue
        if q["type"] == "ranking":
            typed.update({f"{name}__{i}": str(value.index(o) + 1) for i, o in enumerate(spec.get("options", []))
                          if o in value})
        elif q["type"] == "matrix":
            typed.update({f"{name}__{i}": str(value[r]) for i, r in enumerate(spec.get("rows", [])) if r in value})
        else:
            typed[name] = value if isinstance(value, list) else str(value)
    return typed
