"""One error shape for every service: `application/problem+json` (RFC 9457).

Every error a service answers with goes through here: HTTP errors raised by
Flask or flask-smorest, validation errors from marshmallow/webargs (with a
list of field errors naming where each one is), domain errors raised as
`Problem`, database integrity errors (409, never 500) and anything
unexpected (500 with no internals; the traceback goes to the log).

Text is Polish by default and English when the client prefers it
(`Accept-Language: en`).
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

import redis.exceptions
from flask import Flask, Response, json, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from .logs import request_id_var

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)

# Titles per status: (Polish, English).
TITLES = {
    400: ("Nieprawidłowe żądanie", "Bad request"),
    401: ("Wymagane uwierzytelnienie", "Authentication required"),
    403: ("Brak uprawnień", "Forbidden"),
    404: ("Nie znaleziono", "Not found"),
    405: ("Metoda niedozwolona", "Method not allowed"),
    409: ("Konflikt", "Conflict"),
    413: ("Zbyt duże żądanie", "Request too large"),
    415: ("Nieobsługiwany typ treści", "Unsupported media type"),
    422: ("Nieprawidłowe dane", "Invalid data"),
    429: ("Zbyt wiele żądań", "Too many requests"),
    500: ("Błąd wewnętrzny", "Internal error"),
    503: ("Usługa niedostępna", "Service unavailable"),
}

# marshmallow's built-in messages, in Polish (the English originals are the keys).
FIELD_MESSAGES_PL = {
    "Missing data for required field.": "Pole jest wymagane.",
    "Unknown field.": "Nieznane pole.",
    "Field may not be null.": "Pole nie może być puste.",
    "Not a valid string.": "Wartość musi być tekstem.",
    "Not a valid integer.": "Wartość musi być liczbą całkowitą.",
    "Not a valid number.": "Wartość musi być liczbą.",
    "Not a valid boolean.": "Wartość musi być logiczna (true/false).",
    "Not a valid list.": "Wartość musi być listą.",
    "Not a valid mapping type.": "Wartość musi być obiektem.",
    "Not a valid UUID.": "Nieprawidłowy identyfikator UUID.",
    "Not a valid date.": "Nieprawidłowa data.",
    "Not a valid datetime.": "Nieprawidłowa data i czas.",
    "Invalid input type.": "Nieprawidłowy typ danych.",
    "Invalid value.": "Nieprawidłowa wartość.",
    "Not a valid email address.": "Nieprawidłowy adres e-mail.",
    "String does not match expected pattern.": "Wartość nie ma wymaganej postaci.",
}

# marshmallow's validator messages carry numbers; these patterns translate them.
FIELD_PATTERNS_PL = [
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), r"Długość musi wynosić od \1 do \2 znaków."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), r"Za krótkie: co najmniej \1 znaków."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), r"Za długie: najwyżej \1 znaków."),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     r"Wartość musi być od \1 do \2."),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), r"Wartość musi wynosić co najmniej \1."),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), r"Wartość może wynosić najwyżej \1."),
    (re.compile(r"^Must be one of: (.+)\.$"), r"Wybierz jedną z wartości: \1."),
]


def translate_field_message(text: str) -> str:
    if text in FIELD_MESSAGES_PL:
        return FIELD_MESSAGES_PL[text]
    for pattern, replacement in FIELD_PATTERNS_PL:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


def wants_english() -> bool:
    try:
        best = request.accept_languages.best_match(["pl", "en"], default="pl")
    except RuntimeError:  # outside a request
        return False
    return best == "en"


class Problem(Exception):
    """A domain error with its status and a message in both languages.

    `errors` lists what is wrong and where: dicts with `location`, `field`
    and `message` (and `message_en`).
    """

    def __init__(self, status: int, detail_pl: str, detail_en: str, *, type_: str = "about:blank",
                 errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(detail_en)
        self.status = status
        self.detail_pl = detail_pl
        self.detail_en = detail_en
        self.type = type_
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(status: int, detail: str | None = None, *, type_: str = "about:blank",
                     errors: list[dict] | None = None, headers: dict | None = None) -> Response:
    english = wants_english()
    title_pl, title_en = TITLES.get(status, (HTTPStatus(status).phrase, HTTPStatus(status).phrase))
    body = {"type": type_, "title": title_en if english else title_pl, "status": status}
    if detail:
        body["detail"] = detail
    try:
        body["instance"] = request.script_root + request.path  # the public path, prefix included
    except RuntimeError:
        pass
    if request_id_var.get():
        body["request_id"] = request_id_var.get()
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers["Content-Language"] = "en" if english else "pl"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten_field_errors(messages: dict, location: str, prefix: str = "") -> list[dict]:
    """{"items": {"0": {"cost": ["Not a valid integer."]}}} → [{"field": "items.0.cost", ...}]."""
    english = wants_english()
    out = []
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.extend(flatten_field_errors(value, location, path))
            continue
        for message in value if isinstance(value, list) else [value]:
            if isinstance(message, dict):
                out.extend(flatten_field_errors(message, location, path))
                continue
            text = str(message)
            out.append({"location": location, "field": path,
                        "message": text if english else translate_field_message(text)})
    return out


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors: list[dict] = []
    if "messages" in data:  # webargs / flask-smorest validation error
        for location, messages in data["messages"].items():
            if isinstance(messages, dict):
                errors.extend(flatten_field_errors(messages, location))
            else:
                errors.extend(flatten_field_errors({"_schema": messages}, location))
    english = wants_english()
    if status == 422 and errors:
        # the fields' own messages, in the request's language: a client that shows one sentence (the office
        # console beside a button) shows what is wrong, not a pointer to `errors` written for programs
        detail = " ".join(dict.fromkeys(str(e["message"]) for e in errors if e.get("message"))) or (
            "The request has invalid fields; see errors." if english
            else "Żądanie zawiera nieprawidłowe pola; szczegóły w errors.")
        return problem_response(422, detail, type_="https://glos.pl/problems/validation", errors=errors)
    malformed = data.get("messages", {}).get("json") == ["Invalid JSON body."]  # webargs' wording
    if status == 400 and (malformed or "JSON" in (exc.description or "")):
        detail = ("The request body is not valid JSON." if english else "Treść żądania nie jest poprawnym JSON-em.")
        return problem_response(400, detail, type_="https://glos.pl/problems/malformed-json",
                                errors=[{"location": "json", "field": "_body", "message": detail}])
    if status == 413:
        detail = "The request body is too large." if english else "Treść żądania jest zbyt duża."
        return problem_response(413, detail)
    detail = data.get("message") if isinstance(data.get("message"), str) else None
    headers = dict(exc.get_headers()) if status in (401, 405) else None
    if headers:
        headers.pop("Content-Type", None)
    return problem_response(status, detail, headers=headers)


def _handle_problem(exc: Problem) -> Response:
    english = wants_english()
    errors = [{**e, "message": e.get("message_en", e.get("message")) if english else e.get("message")}
              for e in exc.errors]
    for e in errors:
        e.pop("message_en", None)
    return problem_response(exc.status, exc.detail_en if english else exc.detail_pl, type_=exc.type,
                            errors=errors, headers=exc.headers)


def _handle_integrity_error(exc: IntegrityError) -> Response:
    # The constraint name is ours and safe to show; the SQL and parameters are not.
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    english = wants_english()
    detail = ("The change conflicts with existing data." if english
              else "Zmiana jest sprzeczna z istniejącymi danymi.")
    errors = [{"location": "database", "field": constraint, "message": detail}] if constraint else None
    return problem_response(409, detail, type_="https://glos.pl/problems/conflict", errors=errors)


def _handle_data_error(exc: DataError) -> Response:
    english = wants_english()
    detail = "A value is out of the allowed range." if english else "Wartość jest poza dozwolonym zakresem."
    return problem_response(422, detail)


def _handle_unavailable(exc: OperationalError) -> Response:
    log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
    return problem_response(503, headers={"Retry-After": "1"})


def _handle_redis_unavailable(exc: Exception) -> Response:
    # Redis holds only what may be lost (sessions, rate-limit windows, caches): while it is away the request
    # is refused for a moment, never answered with a 500 — and the vote path does not use it at all.
    log.error("redis unavailable: %s", type(exc).__name__)
    return problem_response(503, headers={"Retry-After": "2"})


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    log.exception("unhandled error")
    return problem_response(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Problem, _handle_problem)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(DataError, _handle_data_error)
    app.register_error_handler(OperationalError, _handle_unavailable)
    app.register_error_handler(redis.exceptions.ConnectionError, _handle_redis_unavailable)
    app.register_error_handler(redis.exceptions.TimeoutError, _handle_redis_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
