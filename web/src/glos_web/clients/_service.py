"""One service's requests through the application's `Api` (made once per process in `create_app`)."""

from __future__ import annotations

from flask import current_app


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
