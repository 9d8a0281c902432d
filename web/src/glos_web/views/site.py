"""The home page, the accessibility statement and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session

from ..api import ServiceUnavailable
from ..i18n import LANGUAGES
from ..clients import consultation_api, proposals_api
from . import consultations as consultation_views
from .common import PUBLIC_S, phase_name, safe_next

bp = Blueprint("site", __name__)


def editions_with_phases() -> list[dict]:
    editions = proposals_api.editions(cache_s=PUBLIC_S)
    out = []
    for edition in editions:
        schedule = proposals_api.schedule(edition['id'], cache_s=PUBLIC_S)
        current = next((p for p in schedule["phases"] if p["phase"] == schedule["current_phase"]), None)
        out.append({**edition, "phase_label": phase_name(schedule["current_phase"]), "current": current,
                    "phases": schedule["phases"]})
    # what a resident can act on first: voting, then proposals, then the rest, newest first
    rank = {"voting": 0, "submission": 1}
    out.sort(key=lambda e: (rank.get(e["current_phase"], 2), -e["year"], e["name"]))
    return out


@bp.get("/")
def home():
    editions = editions_with_phases()
    try:
        consultations = consultation_api.consultations()
    except ServiceUnavailable:
        consultations = None  # the budget pages still work when consultations do not answer
    return render_template("home.html", editions=editions, consultations=consultations,
                           status_names=consultation_views.STATUS_NAMES)


@bp.get("/deklaracja-dostepnosci")
def accessibility():
    return render_template("accessibility.html")


@bp.get("/jezyk/<code>")
def switch_language(code: str):
    if code in LANGUAGES:
        session["language"] = code
    return redirect(safe_next(request.args.get("next")))
