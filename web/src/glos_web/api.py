"""The client of the platform's public APIs. The web front end is one client among others: it sends the
signed-in person's own token, and the services decide what that person may do.

An answer in the 4xx range becomes an `ApiError` carrying the service's problem+json (its Polish and English
messages and the field errors), which the pages show next to the fields. A 5xx, a timeout or a refused
connection becomes `ServiceUnavailable`: the page says so and asks the person to try again.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field

import requests
from flask import g, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

SERVICES = ("identity", "proposals", "voting", "consultation")


@dataclass
class ApiError(Exception):
    status: int
    title: str
    detail: str = ""
    type: str = "about:blank"
    errors: list[dict] = field(default_factory=list)
    body: dict = field(default_factory=dict)

    def message(self) -> str:
        """The service's own sentence; it is in the page's language, because the request said which."""
        return self.detail or self.title

    def field_errors(self) -> dict[str, str]:
        """Field path as the forms name their inputs (`cost_items.0.amount` → `cost_items_0_amount`) → the
        message to show by the field. The services already answer in the language the request asked for."""
        out: dict[str, str] = {}
        for error in self.errors:
            name = str(error.get("field", "")).replace(".", "_") if error.get("field") else "_form"
            text = error.get("message")
            if isinstance(text, list):
                text = " ".join(map(str, text))
            out.setdefault(name, str(text))
        return out

    def __str__(self) -> str:
        return f"{self.status} {self.title}"


class ServiceUnavailable(Exception):
    """A service did not answer, or answered with a 5xx: not the person's fault, and not theirs to fix."""

    def __init__(self, service: str, reason: str):
        super().__init__(f"{service}: {reason}")
        self.service = service


class LoginEnded(Exception):
    """A service refused the person's own token as no longer valid (revoked: a password reset, a deletion, a
    logout elsewhere): the site's login ends too, whatever page was asking."""

    def __init__(self, service: str):
        super().__init__(service)
        self.service = service


INVALID_TOKEN = "https://glos.pl/problems/invalid-token"


class PublicCache:
    """Public answers (asked without a token) kept in this process for a few seconds.

    Many pages show the same public documents — the list of editions, a schedule, a frozen ballot, published
    results — and would otherwise ask for them on every page view of every resident. Only answers that are the
    same for everyone are kept (no token, no personal data), for at most the caller's `cache_s`: a phase change
    shows within seconds. A frozen ballot and published results never change, so they may be kept longer.
    """

    def __init__(self, max_entries: int = 2048):
        self.max_entries = max_entries
        self._entries: dict[tuple, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, cache_s: float, load):
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return copy.deepcopy(entry[1])  # pages may change what they get; the cached copy stays as it was
        value = load()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            self._entries[key] = (now + cache_s, value)
        return copy.deepcopy(value)


class Api:
    def __init__(self, base_urls: dict[str, str], timeout_s: float):
        self.base_urls = base_urls
        self.timeout_s = timeout_s
        self.cache = PublicCache()
        self.http = requests.Session()
        # One pool per service, as large as a web process's threads. A kept-alive connection the service has just
        # closed (gunicorn's keepalive ends while the request is on its way) fails at once: a GET is sent again
        # on a new connection (any method when it could not connect at all), so that race is never a 503 page.
        retry = Retry(total=2, connect=2, read=1, status=0, other=0, backoff_factor=0,
                      allowed_methods=frozenset({"GET", "HEAD"}), raise_on_status=False)
        adapter = HTTPAdapter(pool_connections=len(SERVICES), pool_maxsize=32, max_retries=retry)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)

    def _headers(self, token: str | None, extra: dict | None) -> dict:
        headers = {"Accept-Language": g.get("language", "pl")}
        if request:
            headers["X-Request-Id"] = request.headers.get("X-Request-Id", "")[:64] or g.get("request_id", "")
            # the person's own address, for the services' lockouts and limits (ProxyFix there reads it)
            headers["X-Forwarded-For"] = request.remote_addr or "127.0.0.1"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return {k: v for k, v in headers.items() if v}

    def call(self, service: str, method: str, path: str, *, token: str | None = None, json=None, params=None,
             data: bytes | None = None, headers: dict | None = None, raw: bool = False, timeout: float | None = None):
        url = self.base_urls[service] + path
        try:
            response = self.http.request(method, url, json=json, params=params, data=data,
                                         headers=self._headers(token, headers), timeout=timeout or self.timeout_s)
        except requests.RequestException as exc:
            raise ServiceUnavailable(service, type(exc).__name__) from None
        if response.status_code >= 500:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.status_code == 401 and token and body.get("type") == INVALID_TOKEN:
                raise LoginEnded(service)
            raise ApiError(status=response.status_code, title=body.get("title") or response.reason or "",
                           detail=body.get("detail") or "", type=body.get("type") or "about:blank",
                           errors=body.get("errors") or [], body=body)
        if raw:
            return response
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, service: str, path: str, *, cache_s: float = 0, **kwargs):
        """`cache_s`: a public answer (no token) may be reused for that long (see PublicCache)."""
        if cache_s and not kwargs.get("token") and not kwargs.get("raw"):
            key = (service, path, tuple(sorted((kwargs.get("params") or {}).items())), g.get("language", "pl"))
            return self.cache.get(key, cache_s, lambda: self.call(service, "GET", path, **kwargs))
        return self.call(service, "GET", path, **kwargs)

    def post(self, service: str, path: str, **kwargs):
        return self.call(service, "POST", path, **kwargs)
