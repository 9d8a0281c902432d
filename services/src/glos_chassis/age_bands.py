"""The platform's age bands: one vocabulary for every count by age (the register's eligible residents in
identity-svc, turnout in voting-svc, survey answers in consultation-svc), so that counts from different services
can be set side by side. Coarse on purpose: enough for statistics, never enough to find a person."""

from __future__ import annotations

from datetime import date

# (upper limit, exclusive; label), youngest first; everyone from the last limit up is OLDEST
LIMITS = ((18, "<18"), (30, "18-29"), (45, "30-44"), (60, "45-59"), (75, "60-74"))
OLDEST = "75+"
LABELS = tuple(label for _, label in LIMITS) + (OLDEST,)


def of_age(age: int) -> str:
    """The band of a person `age` full years old."""
    return next((label for limit, label in LIMITS if age < limit), OLDEST)


def years_on(birth_date: date, on: date) -> int:
    """Full years of age on `on`."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
