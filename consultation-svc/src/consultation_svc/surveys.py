"""Surveys: the question types, the checking of answers (every error named by question), conditional
questions, one response per person, and the aggregation the office and — after the close — the public see.

Question types and their `spec`:

    single        {"options": [...]}                                   answer: one option
    multiple      {"options": [...], "min_choices": 1, "max_choices": n}  answer: distinct options
    scale         {"min": 1, "max": 5, "labels": {"1": "…", "5": "…"}}   answer: an integer (Likert)
    ranking       {"options": [...]}                                   answer: every option, best first
    numeric       {"min": …, "max": …, "integer": true}                answer: a number
    short_text    {"max_length": 300}                                  answer: text
    long_text     {"max_length": 5000}                                 answer: text
    matrix        {"rows": [...], "min": 1, "max": 5}                  answer: {row: integer} for every row

A question with a `condition` {"question": code, "any_of": [...]} is shown only when the earlier question's
answer is (or, for multiple choice, includes) one of those values; an answer to a hidden question is refused.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter, defaultdict

from glos_chassis import age_bands, spreadsheet
from glos_chassis.errors import Problem

from .shared import error

TYPES = ("single", "multiple", "scale", "ranking", "numeric", "short_text", "long_text", "matrix")
TEXT_TYPES = ("short_text", "long_text")
AGE_BANDS = age_bands.LABELS  # the platform's bands, as identity-svc announces a resident's


# -- the survey's definition --------------------------------------------------------------------------------

def check_definition(questions: list[dict]) -> list[dict]:
    """Errors in a survey's questions, each naming `questions.N.field`."""
    errors, seen = [], {}
    for n, q in enumerate(questions):
        where, spec, kind = f"questions.{n}", q.get("spec") or {}, q["type"]
        if q["code"] in seen:
            errors.append(error(f"{where}.code", "Kod pytania się powtarza.", "Duplicate question code."))
        options = spec.get("options")
        if kind in ("single", "multiple", "ranking"):
            if not isinstance(options, list) or len(options) < 2 or len(set(map(str, options))) != len(options) \
                    or not all(isinstance(o, str) and o for o in options):
                errors.append(error(f"{where}.spec.options", "Podaj co najmniej dwie różne odpowiedzi.",
                                    "Give at least two distinct options."))
        if kind == "multiple" and isinstance(options, list):
            low, high = spec.get("min_choices", 1), spec.get("max_choices", len(options))
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= len(options) and high >= 1):
                errors.append(error(f"{where}.spec.max_choices", "Limity wyboru są niespójne.", "Inconsistent limits."))
        if kind in ("scale", "matrix"):
            low, high = spec.get("min", 1), spec.get("max", 5)
            if not (isinstance(low, int) and isinstance(high, int) and low < high and high - low <= 10):
                errors.append(error(f"{where}.spec.max", "Skala od min do max (najwyżej 11 stopni).",
                                    "A scale from min to max (at most 11 points)."))
        if kind == "matrix" and not (isinstance(spec.get("rows"), list) and spec["rows"]
                                     and all(isinstance(r, str) and r for r in spec["rows"])):
            errors.append(error(f"{where}.spec.rows", "Podaj wiersze macierzy.", "Give the matrix rows."))
        if kind == "numeric" and "min" in spec and "max" in spec and not spec["min"] < spec["max"]:
            errors.append(error(f"{where}.spec.max", "max musi być większe od min.", "max must exceed min."))
        condition = q.get("condition")
        if condition:
            parent = seen.get(condition.get("question"))
            if parent is None:
                errors.append(error(f"{where}.condition.question", "Warunek musi wskazywać wcześniejsze pytanie.",
                                    "The condition must name an earlier question."))
            elif parent["type"] not in ("single", "multiple", "scale"):
                errors.append(error(f"{where}.condition.question", "Warunek tylko na pytaniu wyboru lub skali.",
                                    "A condition can only follow a choice or scale question."))
            elif parent["type"] != "scale" and not set(condition.get("any_of", [])) <= set(parent["spec"]["options"]):
                errors.append(error(f"{where}.condition.any_of", "Warunek wskazuje nieistniejącą odpowiedź.",
                                    "The condition names an unknown option."))
        seen[q["code"]] = q
    return errors


# -- one response ---------------------------------------------------------------------------------------------

def shown(question, answers: dict) -> bool:
    condition = question.condition
    if not condition:
        return True
    given = answers.get(condition["question"])
    if isinstance(given, list):
        return bool(set(given) & set(condition["any_of"]))
    return given in condition["any_of"]


def check_answers(questions: list, answers: dict) -> list[dict]:
    """Every problem in a response, by question (`answers.CODE`), in Polish and English."""
    errors = []
    known = {q.code for q in questions}
    for code in answers:
        if code not in known:
            errors.append(error(f"answers.{code}", "Nie ma takiego pytania.", "No such question."))
    for q in questions:
        field, value = f"answers.{q.code}", answers.get(q.code)
        empty = value is None or value == "" or value == [] or value == {}
        if not shown(q, answers):
            if not empty:
                errors.append(error(field, "To pytanie nie dotyczy Pana/Pani przy wcześniejszej odpowiedzi.",
                                    "This question does not apply given an earlier answer."))
            continue
        if empty:
            if q.required:
                errors.append(error(field, "Odpowiedź jest wymagana.", "An answer is required."))
            continue
        problem = _check_value(q.type, q.spec or {}, value)
        if problem:
            errors.append(error(field, *problem))
    return errors


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(kind: str, spec: dict, value) -> tuple[str, str] | None:
    options = spec.get("options", [])
    if kind == "single":
        return None if value in options else ("Wybierz jedną z podanych odpowiedzi.", "Choose one of the options.")
    if kind == "multiple":
        if not isinstance(value, list) or not all(v in options for v in value) or len(set(value)) != len(value):
            return "Wybierz spośród podanych odpowiedzi, każdą raz.", "Choose among the options, each once."
        low, high = spec.get("min_choices", 1), spec.get("max_choices", len(options))
        if not low <= len(value) <= high:
            return f"Wybierz od {low} do {high} odpowiedzi.", f"Choose between {low} and {high} options."
        return None
    if kind == "scale":
        low, high = spec.get("min", 1), spec.get("max", 5)
        return None if _is_int(value) and low <= value <= high else (
            f"Wybierz liczbę od {low} do {high}.", f"Choose a whole number from {low} to {high}.")
    if kind == "ranking":
        if not isinstance(value, list) or sorted(value) != sorted(options):
            return "Uszereguj wszystkie odpowiedzi, każdą raz.", "Rank every option, each once."
        return None
    if kind == "numeric":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or (spec.get("integer") and not _is_int(value)):
            return "Podaj liczbę" + (" całkowitą." if spec.get("integer") else "."), "Give a number."
        if ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"]):
            return (f"Podaj liczbę od {spec.get('min', '-∞')} do {spec.get('max', '∞')}.",
                    f"Give a number from {spec.get('min', '-inf')} to {spec.get('max', 'inf')}.")
        return None
    if kind in TEXT_TYPES:
        limit = spec.get("max_length", 300 if kind == "short_text" else 5000)
        if not isinstance(value, str):
            return "Wpisz tekst.", "Give text."
        return None if len(value) <= limit else (f"Najwyżej {limit} znaków.", f"At most {limit} characters.")
    if kind == "matrix":
        rows, low, high = spec.get("rows", []), spec.get("min", 1), spec.get("max", 5)
        if not isinstance(value, dict) or set(value) != set(rows):
            return "Oceń każdy wiersz.", "Rate every row."
        if not all(_is_int(v) and low <= v <= high for v in value.values()):
            return f"Oceny od {low} do {high}.", f"Ratings from {low} to {high}."
        return None
    raise ValueError(kind)


def validate_response(questions: list, answers: dict) -> None:
    errors = check_answers(questions, answers)
    if errors:
        raise Problem(422, f"Odpowiedź zawiera błędy ({len(errors)}); popraw wskazane pytania.",
                      f"The response has {len(errors)} problem(s); fix the questions named.",
                      type_="https://glos.pl/problems/validation", errors=errors)


# -- aggregation ------------------------------------------------------------------------------------------------

def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _mean(values) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def aggregate_question(question, answers: list) -> dict:
    """The summary of one question over the answers given to it (None = not answered)."""
    given = [a for a in answers if a not in (None, "", [], {})]
    kind, spec, n = question.type, question.spec or {}, len(given)
    out: dict = {"code": question.code, "type": kind, "text": question.text, "answered": n}
    if kind in ("single", "multiple"):
        counts = Counter(v for a in given for v in (a if kind == "multiple" else [a]))
        out["counts"] = {o: counts.get(o, 0) for o in spec["options"]}
        out["percent"] = {o: _percent(c, n) for o, c in out["counts"].items()}
    elif kind == "scale":
        counts = Counter(given)
        out["counts"] = {str(v): counts.get(v, 0) for v in range(spec.get("min", 1), spec.get("max", 5) + 1)}
        out["mean"] = _mean(given)
    elif kind == "numeric":
        out.update(mean=_mean(given), median=statistics.median(given) if given else None,
                   min=min(given, default=None), max=max(given, default=None))
    elif kind == "ranking":
        positions = defaultdict(list)
        for a in given:
            for place, option in enumerate(a, start=1):
                positions[option].append(place)
        out["mean_position"] = {o: _mean(positions[o]) for o in spec["options"]}
        out["first_choice"] = {o: sum(1 for a in given if a[0] == o) for o in spec["options"]}
        out["order"] = sorted(spec["options"], key=lambda o: (out["mean_position"][o] or 0, o))
    elif kind == "matrix":
        out["rows"] = {}
        for row in spec["rows"]:
            values = [a[row] for a in given if row in a]
            counts = Counter(values)
            out["rows"][row] = {"mean": _mean(values), "counts": {
                str(v): counts.get(v, 0) for v in range(spec.get("min", 1), spec.get("max", 5) + 1)}}
    return out  # open text: the count here; the texts themselves are remarks with replies


def aggregate(questions: list, responses: list[tuple[dict, str | None, str | None]], by: str | None = None) -> dict:
    """Per question, over (answers, district, age_band) tuples; `by` = "district" | "age_band" cross-tabulates."""
    def summarise(rows):
        return {"responses": len(rows), "questions": [aggregate_question(q, [r[0].get(q.code) for r in rows])
                                                      for q in questions]}

    result = summarise(responses)
    if by:
        index = 1 if by == "district" else 2
        groups = defaultdict(list)
        for row in responses:
            groups[row[index] or "?"].append(row)
        result["by"] = by
        result["groups"] = {key: summarise(rows) for key, rows in sorted(groups.items())}
    return result


def responses_csv(questions: list, responses: list[tuple[dict, str | None, str | None]]) -> str:
    """Anonymised: a running number instead of any id, district and age band, then one column per question
    (a matrix row per column; several choices and rankings joined with ' | ')."""
    columns = []
    for q in questions:
        columns += [(q.code, f"{q.code}.{row}", row) for row in q.spec["rows"]] if q.type == "matrix" else [(q.code, q.code, None)]
    out = io.StringIO()
    writer = spreadsheet.writer(out)  # answers are free text: none may run as a formula
    writer.writerow(["nr", "osiedle", "grupa_wiekowa", *(header for _, header, _ in columns)])
    for number, (answers, district, age_band) in enumerate(responses, start=1):
        cells = []
        for code, _, row in columns:
            value = answers.get(code)
            if row is not None:
                value = (value or {}).get(row)
            cells.append(" | ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else value))
        writer.writerow([number, district or "", age_band or "", *cells])
    return out.getvalue()
