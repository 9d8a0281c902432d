"""CSV files the site hands out, for a spreadsheet: UTF-8 with a BOM (so that Excel reads Polish letters),
`;`-separated (the Polish locale's list separator), and no cell that a spreadsheet would run as a formula —
the services' own exports follow the same rule (`glos_chassis.spreadsheet`; the site does not install the chassis)."""

from __future__ import annotations

import csv
import io

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_download(rows, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
