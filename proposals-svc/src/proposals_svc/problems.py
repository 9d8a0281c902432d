"""The problems (RFC 9457 problem+json, via the chassis) proposals-svc's use cases raise, in Polish and English."""

from __future__ import annotations

from glos_chassis.errors import Problem


def field_error(field: str, pl: str, en: str, location: str = "json") -> dict:
    """One entry of a problem's `errors`: what is wrong, and where."""
    return {"location": location, "field": field, "message": pl, "message_en": en}


def forbidden(pl: str, en: str) -> Problem:
    return Problem(403, pl, en, type_="https://glos.pl/problems/forbidden")


def invalid(pl: str, en: str, errors: list[dict]) -> Problem:
    return Problem(422, pl, en, type_="https://glos.pl/problems/validation", errors=errors)
