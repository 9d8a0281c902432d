"""Passwords are hashed with argon2id at the library's recommended cost; only the test stack's own switch lowers
it, and nothing that deploys Glos sets that switch."""

from __future__ import annotations

from pathlib import Path

import argon2
from argon2 import Type

from identity_svc import service

REPO = Path(__file__).resolve().parents[3]


def hasher_with(monkeypatch, value: str | None):
    if value is None:
        monkeypatch.delenv(service.LOW_COST_FOR_TESTS, raising=False)
    else:
        monkeypatch.setenv(service.LOW_COST_FOR_TESTS, value)
    return service._hasher()


def test_the_recommended_cost_unless_the_test_switch_is_on(monkeypatch):
    recommended = argon2.profiles.RFC_9106_LOW_MEMORY
    for value in (None, "", "0", "yes"):
        hasher = hasher_with(monkeypatch, value)
        assert (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
            Type.ID, recommended.time_cost, recommended.memory_cost, recommended.parallelism)
    cheap = hasher_with(monkeypatch, "1")
    assert cheap.type == Type.ID and cheap.memory_cost < recommended.memory_cost
    stored = cheap.hash("hasło-testowe-123")
    assert stored.startswith("$argon2id$") and cheap.verify(stored, "hasło-testowe-123")


def test_no_deployment_sets_the_test_switch():
    deployed = [REPO / "docker-compose.yml", *sorted((REPO / "k8s").rglob("*.yaml"))]
    assert len(deployed) > 5
    assert [p for p in deployed if service.LOW_COST_FOR_TESTS in p.read_text(encoding="utf-8")] == []

