"""The office's console (konsola urzędu). So far: the audit log viewer — who did what, when, on what and why,
across the four services, read from each service's own `GET /audit` with the official's token.

The services keep their audit rows apart (each in its own database); this page merges them newest first and
pages through all four at once with one cursor per service, so a page never skips nor repeats a row."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request

from .. import auth
from ..api import SERVICES, ApiError
from .common import api, token

bp = Blueprint("office", __name__, url_prefix="/urzad")

AUDIT_READERS = ("admin", "coordinator", "pb_official")  # as glos_chassis.audit lets read
PAGE = 50
CITY_TIME = ZoneInfo("Europe/Warsaw")


def office_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not auth.current_user().has(*AUDIT_READERS):
            abort(403)
        return view(*args, **kwargs)
    return auth.login_required(wrapper)


def _day_start(text: str) -> str | None:
    """A date typed in the filter (Warsaw) → the instant its day begins, ISO 8601; None when empty or not a date."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), CITY_TIME).isoformat() if text else None
    except ValueError:
        return None


@bp.get("/rejestr")
@office_required
def audit():
    filters = {name: request.args.get(name, "").strip() for name in ("service", "actor", "action", "target",
                                                                     "since", "until")}
    services = [filters["service"]] if filters["service"] in SERVICES else list(SERVICES)
    params = {name: filters[name] for name in ("actor", "action", "target") if filters[name]}
    if _day_start(filters["since"]):
        params["since"] = _day_start(filters["since"])
    if _day_start(filters["until"]):  # the whole day typed is included
        params["until"] = (datetime.fromisoformat(_day_start(filters["until"])) + timedelta(days=1)).isoformat()
    entries, cursors, refused = [], {}, []
    for service in services:
        cursor = request.args.get(f"before_{service}", type=int)
        try:
            page = api().get(service, "/audit", token=token(),
                             params={**params, "limit": PAGE, **({"before_id": cursor} if cursor else {})})
        except ApiError as exc:
            if exc.status not in (400, 403, 422):
                raise
            refused.append(service)
            continue
        entries += page["entries"]
        cursors[service] = (cursor, page["next_before_id"])
    entries.sort(key=lambda e: e["at"], reverse=True)
    shown = entries[:PAGE]
    # the next page: per service, below the oldest row shown; a service with nothing shown keeps its cursor
    older, more = {}, len(entries) > PAGE or any(nxt for _, nxt in cursors.values())
    for service, (cursor, _next) in cursors.items():
        ids = [e["id"] for e in shown if e["service"] == service]
        if ids:
            older[f"before_{service}"] = min(ids)
        elif cursor:
            older[f"before_{service}"] = cursor
    return render_template("office/audit.html", entries=shown, filters=filters, services=SERVICES,
                           refused=refused, older={**{k: v for k, v in filters.items() if v}, **older} if more else None)
