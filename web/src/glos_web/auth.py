"""Signing in: the person's tokens live server-side in Redis, never in the browser.

The Flask session (itself in Redis, behind an HttpOnly cookie) holds only a random login id. The tokens sit
under that id in a Redis hash. A refresh token rotates on every use and identity-svc revokes the whole login
when one is used twice, so two requests of the same browser must never refresh at once: the refresh runs
under a short Redis lock, and the second request reads the pair the first one obtained.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _

from .api import ApiError
from .clients import identity_api

REFRESH_MARGIN_S = 60
# how often a login's last activity is written back (an idle limit of minutes does not need every request)
SEEN_EVERY_S = 30
# Every role but a resident's is staff: their logins end sooner (a shared computer at a voting point).
STAFF_ROLES = frozenset({"pb_official", "department_reviewer", "moderator", "coordinator", "admin", "ops"})


@dataclass(frozen=True)
class User:
    account_id: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def _redis():
    return current_app.extensions["glos_web.redis"]


def _settings():
    return current_app.extensions["glos_web.settings"]


def _now() -> int:
    """Now, for a login's idle and absolute limits (its tokens' expiry is identity-svc's, in real time)."""
    return int(current_app.extensions["glos_web.clock"]())


def _key(login_id: str) -> str:
    return f"glos:web:login:{login_id}"


def _account_key(account_id: str) -> str:
    """The logins of one account, so that a password reset or a deletion can end every one of them at once."""
    return f"glos:web:account-logins:{account_id}"


def _claims(access_token: str) -> dict:
    """The access token's claims, for showing the right links only: the services verify the token itself."""
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _limits(roles: str) -> tuple[int, int]:
    """(idle, absolute) seconds for a login with these roles."""
    settings = _settings()
    if STAFF_ROLES & set(roles.split(",")):
        return settings.staff_idle_s, settings.staff_max_s
    return settings.resident_idle_s, settings.resident_max_s


def _store(login_id: str, tokens: dict, *, login_at: int) -> None:
    claims = _claims(tokens["access_token"])
    roles = ",".join(claims.get("roles", []))
    key = _key(login_id)
    # the login's record outlives its absolute limit only by the hour in which the site can still say why the
    # person was signed out, however often its tokens are refreshed
    left = login_at + _limits(roles)[1] + 3600 - _now()
    pipe = _redis().pipeline()
    pipe.hset(key, mapping={"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                            "expires_at": int(time.time()) + int(tokens["expires_in"]),
                            "account_id": claims["sub"], "roles": roles, "login_at": login_at})
    pipe.expire(key, max(1, min(int(tokens.get("refresh_expires_in", 3600)), left)))
    pipe.execute()


def renew_session(*, keep: tuple[str, ...] | None = ("language",)) -> None:
    """A new session id, the old one deleted from the store: at every login, logout and change of rights, so a
    session id someone planted or saw before cannot be used after it (session fixation). `keep` names what
    stays (None: everything, for a change of rights); a login starts without the anonymous session's drafts,
    which someone else may have filled in."""
    kept = dict(session) if keep is None else {k: session[k] for k in keep if k in session}
    session.clear()
    session.update(kept)
    session.permanent = True
    session["renewed_at"] = int(time.time())  # never empty: an empty session is not regenerated, only dropped
    current_app.session_interface.regenerate(session)


def log_in(email: str, password: str) -> User:
    """Raises ApiError (wrong password, unconfirmed address, lockout) as identity-svc answered it."""
    tokens = identity_api.log_in(json={"email": email, "password": password})
    renew_session()
    login_id = secrets.token_urlsafe(24)
    now = _now()
    _store(login_id, tokens, login_at=now)
    account = _account_key(_claims(tokens["access_token"])["sub"])
    pipe = _redis().pipeline()
    pipe.hset(_key(login_id), "seen_at", now)
    pipe.sadd(account, login_id)
    pipe.expire(account, max(_settings().resident_max_s, _settings().staff_max_s))
    pipe.execute()
    session["login"] = login_id
    g.pop("login_state", None)  # this request read "not logged in" before; read the new login
    return current_user(refresh=False)


def _revoke_at_identity(stored: dict) -> None:
    try:
        identity_api.log_out(token=stored["access_token"],
                             json={"refresh_token": stored["refresh_token"]})
    except ApiError:
        pass  # already expired or revoked: nothing left to revoke


def _drop(login_id: str, account_id: str | None) -> None:
    pipe = _redis().pipeline()
    pipe.delete(_key(login_id))
    if account_id:
        pipe.srem(_account_key(account_id), login_id)
    pipe.execute()


def _read(login_id: str) -> dict:
    return {k.decode(): v.decode() for k, v in _redis().hgetall(_key(login_id)).items()}


def log_out() -> None:
    login_id = session.get("login")
    if login_id:
        stored = _read(login_id)
        if stored:
            _revoke_at_identity(stored)
        _drop(login_id, stored.get("account_id"))
    renew_session()
    g.login_state = None


def forget_login() -> None:
    """The account is gone (deleted) or its tokens were revoked: drop the login without calling identity."""
    login_id = session.get("login")
    if login_id:
        _drop(login_id, _read(login_id).get("account_id"))
    renew_session()
    g.login_state = None


def end_logins_of(account_id: str) -> None:
    """Every site login of the account ends now — in every browser (identity-svc said its password was reset or
    the account deleted). The other browsers find their login gone at their next request."""
    redis = _redis()
    login_ids = [v.decode() for v in redis.smembers(_account_key(account_id))]
    if login_ids:
        redis.delete(*[_key(login_id) for login_id in login_ids])
    redis.delete(_account_key(account_id))


def _limit_reached(state: dict, now: int) -> str | None:
    idle, absolute = _limits(state.get("roles", ""))
    if now - int(state.get("login_at", now)) >= absolute:
        return _("Logowanie trwa najwyżej %(duration)s — ze względów bezpieczeństwa zaloguj się ponownie.",
                 duration=format_timedelta(timedelta(seconds=absolute)))
    if now - int(state.get("seen_at", now)) >= idle:
        return _("Wylogowano Cię po %(duration)s bez aktywności. Zaloguj się ponownie.",
                 duration=format_timedelta(timedelta(seconds=idle)))
    return None


def _refresh(login_id: str) -> dict | None:
    redis = _redis()
    lock = redis.lock(f"{_key(login_id)}:refresh", timeout=15, blocking_timeout=15)
    with lock:
        stored = {k.decode(): v.decode() for k, v in redis.hgetall(_key(login_id)).items()}
        if not stored:
            return None
        if int(stored["expires_at"]) - time.time() > REFRESH_MARGIN_S:
            return stored  # another request of this browser refreshed while we waited
        try:
            tokens = identity_api.refresh_tokens(json={"refresh_token": stored["refresh_token"]})
        except ApiError:
            redis.delete(_key(login_id))
            return None
        _store(login_id, tokens, login_at=int(stored.get("login_at", _now())))
        fresh = _read(login_id)
        if fresh.get("roles") != stored.get("roles") and session.get("login") == login_id:
            renew_session(keep=None)  # a change of rights: a new session id, nothing else changes
        return fresh


def _login_state(refresh: bool = True) -> dict | None:
    if "login_state" in g:
        return g.login_state
    login_id = session.get("login")
    state = None
    if login_id:
        state = _read(login_id) or None
        now = _now()
        ended = _limit_reached(state, now) if state else None
        if ended:
            _revoke_at_identity(state)
            _drop(login_id, state.get("account_id"))
            renew_session()
            flash(ended, "info")
            state = None
        elif state and refresh and int(state["expires_at"]) - time.time() <= REFRESH_MARGIN_S:
            state = _refresh(login_id)
        if state is None:
            session.pop("login", None)
        elif now - int(state.get("seen_at", 0)) >= min(SEEN_EVERY_S, _limits(state["roles"])[0] // 4):
            _redis().hset(_key(login_id), "seen_at", now)
    g.login_state = state
    return state


def seconds_left() -> int | None:
    """How long the signed-in login has before its idle or absolute limit — read without counting as activity
    (the idle warning asks it; asking must not keep an unattended browser signed in). None: not signed in."""
    login_id = session.get("login")
    state = _read(login_id) if login_id else None
    if not state or "seen_at" not in state:
        return None
    idle, absolute = _limits(state.get("roles", ""))
    return max(0, min(int(state["seen_at"]) + idle, int(state["login_at"]) + absolute) - _now())


def idle_limit_s() -> int | None:
    """The signed-in person's idle limit (for the page's warning before it ends their login), or None."""
    state = _login_state(refresh=False)
    return _limits(state["roles"])[0] if state else None


def current_user(refresh: bool = True) -> User | None:
    state = _login_state(refresh)
    if not state:
        return None
    return User(account_id=state["account_id"], roles=frozenset(filter(None, state["roles"].split(","))))


def access_token() -> str | None:
    state = _login_state()
    return state["access_token"] if state else None


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def current_scopes() -> dict[str, list[str]]:
    """The signed-in person's role scopes as their token carries them (a reviewer's departments), for showing
    the right queue; the services read the same claim from the verified token."""
    access = access_token()
    return (_claims(access).get("scopes") or {}) if access else {}
