"""One service's requests through the application's `Api` (made once per process in `create_app`)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app


def segment(value) -> str:
    """One path segment from an id or a typed value: percent-encoded, so that a "/", "?" or "#" in it stays inside
    its segment and never reaches another endpoint — and a segment that is only dots too, which the HTTP client
    would otherwise resolve ("/banned-words/.." is sent as "/")."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


class Service:
    def __init__(self, name: str):
        self.name = name

    @staticmethod
    def _api():
        return current_app.extensions["glos_web.api"]

    def get(self, path: str, **options):
        return self._api().get(self.name, path, **options)

    def send(self, method: str, path: str, **options):
        return self._api().call(self.name, method, path, **options)
