"""CSV exports people open in a spreadsheet: a cell must never run as a formula (CSV injection, OWASP).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`,
which spreadsheets show as text; numbers are written as they are. Machine formats (Pabulib) do not go through
here: they are read by programs, byte for byte.
"""

from __future__ import annotations

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every text cell goes through `safe_cell`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> SafeWriter:
    return SafeWriter(out, **options)
