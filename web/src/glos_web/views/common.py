"""What every page module needs: the person's token, safe redirects, phase names."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from .. import auth

CITY_TIME = ZoneInfo("Europe/Warsaw")  # the office types local times; the APIs take them with their offset


def from_city_time(text: str) -> str | None:
    """A datetime-local field (Warsaw time) → ISO 8601 with its offset; the text itself when it is not one, so the
    service names the field."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=CITY_TIME).isoformat()
    except ValueError:
        return text


def to_city_time(moment: str | None) -> str:
    """An API's instant → the value a datetime-local field shows (Warsaw time, to the minute)."""
    return datetime.fromisoformat(moment).astimezone(CITY_TIME).strftime("%Y-%m-%dT%H:%M") if moment else ""


PHASES = ["preparation", "submission", "formal_verification", "substantive_verification", "appeals",
          "lists_published", "voting", "results", "implementation"]
PHASE_NAMES = {"preparation": _l("przygotowanie"), "submission": _l("składanie wniosków"),
               "formal_verification": _l("weryfikacja formalna"),
               "substantive_verification": _l("weryfikacja merytoryczna"), "appeals": _l("odwołania"),
               "lists_published": _l("publikacja list"), "voting": _l("głosowanie"), "results": _l("wyniki"),
               "implementation": _l("realizacja")}
STATUS_NAMES = {"draft": _l("szkic"), "submitted": _l("złożony"),
                "formally_accepted": _l("pozytywna ocena formalna"),
                "formally_rejected": _l("odrzucony w weryfikacji formalnej"),
                "in_review": _l("w weryfikacji merytorycznej"),
                "substantively_rejected": _l("odrzucony w weryfikacji merytorycznej"),
                "qualified": _l("zakwalifikowany"), "appealed": _l("odwołanie w toku"), "merged": _l("połączony z innym"),
                "selected": _l("wybrany do realizacji"), "rejected": _l("odrzucony"),
                # a local initiative after verification: scored, terms offered, refused or agreed
                "scored": _l("oceniony według kryteriów"), "terms_proposed": _l("warunki zaproponowane"),
                "terms_refused": _l("warunki odrzucone"), "agreed": _l("umowa uzgodniona")}
REJECTED_STATUSES = ("formally_rejected", "substantively_rejected")
IMPLEMENTATION_NAMES = {"planned": _l("zaplanowany"), "in_preparation": _l("w przygotowaniu"),
                        "in_progress": _l("w realizacji"), "completed": _l("zrealizowany"),
                        "cancelled": _l("odstąpiono od realizacji")}


# How long a public answer may be reused by this process (api.PublicCache): seconds for what the office may
# change at any time, longer for what never changes once published (a frozen ballot, the results).
PUBLIC_S = 5
IMMUTABLE_S = 300


def token() -> str | None:
    return auth.access_token()


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: a `next` parameter must never send a person elsewhere after logging in."""
    if not target:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default  # CR/LF (a header injection) or another control character: never a Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def voting_ends(schedule: dict) -> str | None:
    """When voting ends (a date-time from the schedule), while the edition is voting and its schedule says."""
    if schedule.get("current_phase") != "voting":
        return None
    return next((p["ends_at"] for p in schedule["phases"] if p["phase"] == "voting"), None)


def phase_name(phase: str | None) -> str:
    return str(PHASE_NAMES.get(phase or "", phase or "—"))


def status_name(status: str | None) -> str:
    return str(STATUS_NAMES.get(status or "", status or "—"))


def role_required(*roles: str):
    """A page for staff holding one of `roles` (from their token, for the links and this gate only: the service
    behind each action decides again); anyone else gets the 403 page, someone not signed in the login."""
    import functools

    from flask import abort

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not auth.current_user().has(*roles):
                abort(403)
            return view(*args, **kwargs)
        return auth.login_required(wrapper)
    return decorator


def appeal_deadline(proposal: dict, edition: dict) -> str | None:
    """Until when a rejected proposal's author may appeal: the decision's time plus the edition's `appeal_days`.
    proposals-svc enforces the deadline; the pages only tell it, to the applicant and to the office."""
    if proposal.get("status") not in REJECTED_STATUSES or not proposal.get("decided_at"):
        return None
    days = edition["settings"]["appeal_days"]  # proposals-svc answers the settings with their defaults filled in
    return (datetime.fromisoformat(proposal["decided_at"]) + timedelta(days=days)).isoformat()


def form_errors(exc) -> tuple[dict, int]:
    """A service's refusal of a form (an ApiError: always a 4xx) → the errors to show by their fields, or its
    sentence above the form, and the status to answer with."""
    return exc.field_errors() or {"_form": exc.message()}, exc.status
