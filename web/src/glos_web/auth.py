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
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from .api import ApiError

REFRESH_MARGIN_S = 60


@dataclass(frozen=True)
class User:
    account_id: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def _redis():
    return current_app.extensions["glos_web.redis"]


def _api():
    return current_app.extensions["glos_web.api"]


def _key(login_id: str) -> str:
    return f"glos:web:login:{login_id}"


def _claims(access_token: str) -> dict:
    """The access token's claims, for showing the right links only: the services verify the token itself."""
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _store(login_id: str, tokens: dict) -> None:
    claims = _claims(tokens["access_token"])
    key = _key(login_id)
    pipe = _redis().pipeline()
    pipe.hset(key, mapping={"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                            "expires_at": int(time.time()) + int(tokens["expires_in"]),
                            "account_id": claims["sub"], "roles": ",".join(claims.get("roles", []))})
    pipe.expire(key, int(tokens.get("refresh_expires_in", 3600)))
    pipe.execute()


def log_in(email: str, password: str) -> User:
    """Raises ApiError (wrong password, unconfirmed address, lockout) as identity-svc answered it."""
    tokens = _api().post("identity", "/token", json={"email": email, "password": password})
    session.clear()  # a new session id at every login (session fixation)
    login_id = secrets.token_urlsafe(24)
    _store(login_id, tokens)
    session["login"] = login_id
    g.pop("login_state", None)  # this request read "not logged in" before; read the new login
    return current_user(refresh=False)


def log_out() -> None:
    login_id = session.get("login")
    if login_id:
        stored = _redis().hgetall(_key(login_id))
        if stored:
            try:
                _api().post("identity", "/logout", token=stored[b"access_token"].decode(),
                            json={"refresh_token": stored[b"refresh_token"].decode()})
            except ApiError:
                pass  # already expired or revoked: nothing left to revoke
        _redis().delete(_key(login_id))
    session.clear()


def forget_login() -> None:
    """The account is gone (deleted) or its tokens were revoked: drop the login without calling identity."""
    login_id = session.get("login")
    if login_id:
        _redis().delete(_key(login_id))
    session.clear()


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
            tokens = _api().post("identity", "/token/refresh", json={"refresh_token": stored["refresh_token"]})
        except ApiError:
            redis.delete(_key(login_id))
            return None
        _store(login_id, tokens)
        return {k.decode(): v.decode() for k, v in redis.hgetall(_key(login_id)).items()}


def _login_state(refresh: bool = True) -> dict | None:
    if "login_state" in g:
        return g.login_state
    login_id = session.get("login")
    state = None
    if login_id:
        state = {k.decode(): v.decode() for k, v in _redis().hgetall(_key(login_id)).items()} or None
        if state and refresh and int(state["expires_at"]) - time.time() <= REFRESH_MARGIN_S:
            state = _refresh(login_id)
        if state is None:
            session.pop("login", None)
    g.login_state = state
    return state


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
