"""Smoke scenario against the walking skeleton: residents browse editions and projects, a few draft
proposals, and voting-svc's projection is read back through the gateway."""

from __future__ import annotations

import random
import uuid

from locust import HttpUser, between, events, task

from loadtests.config import CONFIG

_shared: dict[str, str] = {}


def _login(host: str, email: str, password: str) -> str:
    """Log in through the gateway, waiting politely when its login rate limit answers 429."""
    import time

    import requests

    for _ in range(20):
        response = requests.post(f"{host}/api/identity/token", json={"email": email, "password": password},
                                 timeout=10)
        if response.status_code != 429:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    response.raise_for_status()
    return response.json()["access_token"]


@events.test_start.add_listener
def _prepare_edition(environment, **kwargs):
    """One edition and one resident login for the whole run, before the users start."""
    import requests

    host = environment.host or CONFIG.host
    official = _login(host, CONFIG.official_email, CONFIG.official_password)
    response = requests.post(f"{host}/api/proposals/editions", headers={"Authorization": f"Bearer {official}"},
                             json={"name": f"BO Smoke {uuid.uuid4().hex[:8]}", "city": "Kalisz", "year": 2027},
                             timeout=10)
    response.raise_for_status()
    _shared["edition_id"] = response.json()["id"]
    _shared["resident_token"] = _login(host, CONFIG.resident_email, CONFIG.resident_password)


class Resident(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {_shared['resident_token']}"}
        self.edition = _shared["edition_id"]

    @task(5)
    def browse_editions(self):
        self.client.get("/api/proposals/editions", name="/api/proposals/editions")

    @task(5)
    def browse_proposals(self):
        self.client.get(f"/api/proposals/editions/{self.edition}/proposals",
                        name="/api/proposals/editions/[id]/proposals")

    @task(2)
    def draft_proposal(self):
        self.client.post(f"/api/proposals/editions/{self.edition}/proposals", headers=self.headers,
                         name="/api/proposals/editions/[id]/proposals (draft)",
                         json={"title": f"Projekt {random.randint(1, 10**6)}",
                               "cost_items": [{"name": "Realizacja", "amount": random.randint(1000, 900000)}]})

    @task(3)
    def read_ballot_projection(self):
        with self.client.get(f"/api/voting/editions/{self.edition}", name="/api/voting/editions/[id]",
                             catch_response=True) as response:
            # right after the start the projection may not have caught up yet: that is not an error
            if response.status_code == 404:
                response.success()
