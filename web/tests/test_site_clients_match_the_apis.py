"""The site calls the services only through `glos_web.clients` — one module per service, one function per
request — and every one of those requests is an operation the service's own OpenAPI document declares (the
path template and the method), so a renamed or removed endpoint fails here rather than on a page."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import requests

from glos_web.clients import consultation_api, identity_api, proposals_api, voting_api

WEB_SRC = Path(__file__).resolve().parents[1] / "src" / "glos_web"
CLIENTS = {"identity": identity_api, "proposals": proposals_api, "voting": voting_api,
           "consultation": consultation_api}


class Recorder:
    """Stands in for `glos_web.api.Api`: records what a client function would send instead of sending it."""

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []

    def get(self, service, path, **options):
        self.sent.append((service, "GET", path))

    def call(self, service, method, path, **options):
        self.sent.append((service, method, path))


def requests_of(module) -> list[tuple[str, str, str, str]]:
    """(function name, service, method, path) for every public function of a client module, each id given as
    a value that cannot be mistaken for a literal part of a path."""
    recorder = Recorder()
    module._service._api = lambda: recorder
    try:
        found = []
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            ids = [f"ID{i}" for i, p in enumerate(inspect.signature(function).parameters.values())
                   if p.kind is p.POSITIONAL_OR_KEYWORD]
            function(*ids)
            found.append((name, *recorder.sent.pop()))
        return found
    finally:
        del module._service._api


def declared_operations(gateway: str, service: str) -> list[tuple[re.Pattern, set[str]]]:
    document = requests.get(f"{gateway}/api/{service}/openapi.json", timeout=10).json()
    operations = []
    for template, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        operations.append((pattern, {method.upper() for method in item if method != "parameters"}))
    return operations


@pytest.mark.parametrize("service", sorted(CLIENTS))
def test_every_request_of_the_site_is_an_operation_the_service_declares(service, gateway):
    operations = declared_operations(gateway, service)
    sent = requests_of(CLIENTS[service])
    assert len(sent) >= 10, sent
    undeclared = [(name, method, path) for name, svc, method, path in sent
                  if svc != service or not any(p.match(path) and method in methods for p, methods in operations)]
    assert undeclared == [], f"{service}: requests the service does not declare: {undeclared}"


def test_no_page_writes_a_service_path_itself():
    """Outside `clients/`, nothing calls the application's `Api` (its get/post/call with a service and a path)."""
    offenders = []
    for source in WEB_SRC.rglob("*.py"):
        if "clients" in source.relative_to(WEB_SRC).parts or source.name == "api.py":
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "post", "call") and isinstance(node.func.value, ast.Call)
                    and getattr(node.func.value.func, "id", "") in ("api", "_api")):
                offenders.append(f"{source.relative_to(WEB_SRC)}:{node.lineno}")
        if 'extensions["glos_web.api"]' in source.read_text() and source.name not in ("__init__.py",):
            offenders.append(f"{source.relative_to(WEB_SRC)}: reaches the Api itself")
    assert offenders == []
