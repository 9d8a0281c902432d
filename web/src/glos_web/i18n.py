"""Polish first, English second: the language of a page, and numbers, money and dates in its locale.

The language is the person's choice (the switch in the header, kept in the session), otherwise the browser's
preference between the two, otherwise Polish. Templates are written in Polish; the English catalogue
(`translations/en`) translates them. Polish numbers group digits with a no-break space (400 000 zł).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.numbers import format_decimal
from flask import g, request, session
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import gettext as _

LANGUAGES = ("pl", "en")
LANGUAGE_NAMES = {"pl": "polski", "en": "English"}


def select_language() -> str:
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="pl") if request else "pl"


def language() -> str:
    if "language" not in g:
        g.language = select_language()
    return g.language


def money(amount) -> str:
    """Whole złoty, as a PB site shows costs: '400 000 zł' in Polish, 'PLN 400,000' in English."""
    if amount is None:
        return "—"
    number = format_decimal(int(amount), locale=language())
    return f"{number}\u00a0zł" if language() == "pl" else f"PLN\u00a0{number}"


def money_gr(grosze: int) -> str:
    """An amount in grosze to the grosz: '63,93 zł' / 'PLN 63.93' (a voter's share under equal shares)."""
    from decimal import Decimal

    number = format_decimal(Decimal(int(grosze)) / 100, format="#,##0.00", locale=language())
    return f"{number}\u00a0zł" if language() == "pl" else f"PLN\u00a0{number}"


def number(value) -> str:
    if value is None:
        return "—"
    return format_decimal(value, locale=language())


def percent(part, whole) -> str:
    if not whole:
        return "—"
    return format_decimal(round(100 * part / whole, 1), locale=language()) + "\u00a0%"


def _parse(value):
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return date.fromisoformat(value)
    return value


def when(value, style: str = "medium") -> str:
    if not value:
        return "—"
    value = _parse(value)
    if isinstance(value, datetime):
        return babel_format_datetime(value, "d MMMM y, HH:mm" if style == "medium" else style)
    return babel_format_date(value, "d MMMM y")


def day(value) -> str:
    if not value:
        return "—"
    value = _parse(value)
    return babel_format_date(value.date() if isinstance(value, datetime) else value, "d MMMM y")


def seconds_until(value) -> int:
    """Whole seconds from now until `value` (an ISO date-time from a service); negative once past."""
    moment = _parse(value)
    return int((moment - datetime.now(UTC)).total_seconds())


def time_left(seconds: int) -> str:
    """A short countdown: '5 godz. 12 min' / '5 h 12 min' (abbreviations: no Polish plural forms to choose)."""
    if seconds < 60:
        return _("mniej niż minuta")
    hours, minutes = divmod(seconds // 60, 60)
    if hours:
        return _("%(h)s godz. %(m)s min", h=hours, m=minutes)
    return _("%(m)s min", m=minutes)
