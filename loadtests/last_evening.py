"""The last evening of a campaign, for Locust: residents cast ballots at a rising rate while others browse
the edition and its projects and a few proposers work on a new edition's proposals.

    # credentials for made-up voters of a frozen edition (one per line), e.g. from identity-svc seed-voters
    GLOS_EDITION=<edition id> GLOS_CREDENTIALS=credentials.txt \\
        locust -f loadtests/last_evening.py --host http://127.0.0.1:8080 --headless -t 2m

The rate rises in stages (LastEvening shape); each voter casts once with their own credential, through
nginx, and retries a 502/503/504 or a "vote in progress" 409 with the same Idempotency-Key, after the
Retry-After it was given, as the site does. A 409 for a second ballot is a failure here: every credential is
used once. With GLOS_ANSWERS=answers.jsonl every answer is written down for `loadtests/vote_audit.py`.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import threading
import time
import uuid

from locust import HttpUser, LoadTestShape, between, constant_pacing, events, task

from loadtests.config import CONFIG
from loadtests.scenarios.smoke import _shared as _smoke  # its test_start prepares a proposals edition

_state: dict = {}
_lock = threading.Lock()


@events.test_start.add_listener
def _prepare(environment, **kwargs):
    """The edition's ballot (to fill in valid ballots) and the credentials, read once before users start."""
    import requests

    host = environment.host or CONFIG.host
    edition = os.environ["GLOS_EDITION"]
    ballot = requests.get(f"{host}/api/voting/editions/{edition}/ballot", timeout=10)
    ballot.raise_for_status()
    with open(os.environ["GLOS_CREDENTIALS"], encoding="utf-8") as f:
        _state["credentials"] = iter([line.strip() for line in f if line.strip()])
    _state["edition"] = edition
    _state["areas"] = ballot.json()["areas"]


def _retryable(response) -> bool:
    if response.status_code in (0, 502, 503, 504):
        return True
    return response.status_code == 409 and "vote-in-progress" in response.text


def _record(credential: str, receipt: str | None, status: int) -> None:
    """With GLOS_ANSWERS=FILE, what each voter was told, for `loadtests/vote_audit.py --answers FILE`."""
    path = os.environ.get("GLOS_ANSWERS")
    if not path:
        return
    payload = credential.split(".")[1]
    voter_key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    line = {"voter_key": voter_key, "status": status, **({"receipt": receipt} if receipt else {"gave_up": True})}
    with _lock, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def _next_credential() -> str | None:
    with _lock:
        return next(_state["credentials"], None)


class Voter(HttpUser):
    """A resident who opens the ballot, thinks for a moment and casts it: the last-evening mass."""

    weight = 8
    wait_time = constant_pacing(1)

    @task
    def vote(self):
        credential = _next_credential()
        if credential is None:
            return  # every credential used: this voter has nothing left to do
        edition = _state["edition"]
        self.client.get(f"/api/voting/editions/{edition}/ballot", name="/api/voting/editions/[id]/ballot")
        city = next(a for a in _state["areas"] if a["kind"] == "city")
        chosen = random.sample(city["projects"], k=min(3, len(city["projects"])))
        body = {"parts": [{"area_id": city["area_id"],
                           "choices": [{"project_id": p["proposal_id"], "points": 1} for p in chosen]}]}
        headers = {"Authorization": f"Bearer {credential}", "Idempotency-Key": uuid.uuid4().hex}
        for attempt in itertools.count():
            with self.client.post(f"/api/voting/editions/{edition}/votes", json=body, headers=headers,
                                  name="/api/voting/editions/[id]/votes", catch_response=True) as response:
                if response.status_code in (200, 201):
                    response.success()
                    _record(credential, response.json()["receipt"], response.status_code)
                    return
                if _retryable(response) and attempt < 10:
                    # told to come back (a component restarting): the same ballot, the same key — a re-send
                    # never makes a second ballot
                    response.success()
                    time.sleep(float(response.headers.get("Retry-After", 1)))
                    continue
                response.failure(f"{response.status_code}: {response.text[:200]}")
                _record(credential, None, response.status_code)
                return


class Browser(HttpUser):
    """Someone reading the list of projects and the live turnout before deciding."""

    weight = 3
    wait_time = between(0.5, 2)

    @task(3)
    def projects(self):
        self.client.get(f"/api/voting/editions/{_state['edition']}/ballot", name="/api/voting/editions/[id]/ballot")

    @task(1)
    def turnout(self):
        self.client.get(f"/api/voting/editions/{_state['edition']}/turnout", name="/api/voting/editions/[id]/turnout")

    @task(2)
    def editions(self):
        self.client.get("/api/proposals/editions", name="/api/proposals/editions")


class Proposer(HttpUser):
    """A resident already drafting for next year's edition."""

    weight = 1
    wait_time = between(1, 3)

    @task
    def submit(self):
        self.client.post(f"/api/proposals/editions/{_smoke['edition_id']}/proposals",
                         headers={"Authorization": f"Bearer {_smoke['resident_token']}"},
                         name="/api/proposals/editions/[id]/proposals (draft)",
                         json={"title": f"Projekt {random.randint(1, 10**6)}",
                               "cost_items": [{"name": "Realizacja", "amount": random.randint(1000, 900000)}]})


class LastEvening(LoadTestShape):
    """Users in stages: the evening warms up, peaks before the close, then the close."""

    stages = [(10, 20), (20, 60), (35, 150), (50, 300)]  # (until second, users)
    spawn_rate = 50

    def tick(self):
        run_time = self.get_run_time()
        limit = float(os.environ.get("GLOS_LAST_EVENING_SECONDS", "0")) or None
        if limit is not None and run_time > limit:
            return None
        for until, users in self.stages:
            if run_time < until:
                return users, self.spawn_rate
        return None
