"""JSON request bodies checked once, before any view reads them.

Two kinds of valid-looking input used to end in a 500:
- nesting deeper than anything the platform accepts (`[` × 50,000): the parser recursed until RecursionError;
  now it is a 400 as soon as the parser gives up, and anything deeper than `MAX_DEPTH` is refused the same way;
- a lone UTF-16 surrogate (`"\\ud800"`): valid JSON, but not text — the database driver cannot encode it; now it
  is a 422 naming the field where it is.
"""

from __future__ import annotations

import json
import re

from flask import request

from .errors import Problem

# The deepest document any endpoint takes is a few levels (a ballot: parts → choices → choice); 32 is generous.
MAX_DEPTH = 32
# A lone surrogate can only arrive escaped (raw UTF-8 cannot encode one): `\ud800`–`\udfff`.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _too_deep() -> Problem:
    return Problem(400, f"Treść żądania jest zagnieżdżona głębiej niż {MAX_DEPTH} poziomy.",
                   f"The request body is nested deeper than {MAX_DEPTH} levels.",
                   type_="https://glos.pl/problems/malformed-json",
                   errors=[{"location": "json", "field": "_body", "message": "Zbyt głębokie zagnieżdżenie.",
                            "message_en": "Nested too deeply."}])


def _not_text(path: str) -> Problem:
    return Problem(422, "Tekst zawiera znak, który nie jest poprawnym znakiem Unicode (pojedynczy surogat UTF-16).",
                   "The text holds a character that is not valid Unicode (a lone UTF-16 surrogate).",
                   type_="https://glos.pl/problems/validation",
                   errors=[{"location": "json", "field": path or "_body",
                            "message": "Nieprawidłowy znak w tekście.", "message_en": "Invalid character in the text."}])


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check(document) -> None:
    """Walk the parsed document without recursion: depth and text of every key and string."""
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(value, str):
            if not _is_text(value):
                raise _not_text(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _is_text(key):
                    raise _not_text(path)
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i), depth + 1) for i, item in enumerate(value))


def check_request_body() -> None:
    """A before-request hook: only JSON bodies, only once; a body that is not JSON at all is left to the view
    (which answers its own 400 for malformed JSON)."""
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    # Most bodies (a ballot among them: the vote path) have fewer brackets than MAX_DEPTH and no surrogate escape:
    # they cannot be hostile in either way, so they are not parsed a second time here (the view parses them).
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH and not SURROGATE_ESCAPE.search(raw):
        return
    try:
        document = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        return
    check(document)
