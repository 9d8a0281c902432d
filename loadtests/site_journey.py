"""Residents on the site, for Locust: browse the edition → a project → the ballot → vote, through nginx and
glos-web, each with their own account (made up by identity-svc seed-residents), logged in once.

    GLOS_EDITION=<edition id open for voting> GLOS_RESIDENTS=residents.txt GLOS_RESIDENT_PASSWORD=... \\
        GLOS_WEB_DIRECT=http://127.0.0.1:8005 \\
        locust -f loadtests/site_journey.py --host http://127.0.0.1:8080 --headless -u 20 -r 5 -t 1m

GLOS_WEB_DIRECT (optional) logs the residents in on glos-web itself: from one load generator's address the
gateway's login limit would refuse most of them. Everything after the login goes through nginx.

Each resident votes once (a second ballot would be refused: that is a failure here) and then keeps browsing.

GLOS_STOP_AFTER_VOTES=N (optional; the test suite's smoke run) ends the run once N residents have voted, with -t
as the upper bound: a slow machine then makes the run longer, never emptier.
"""

from __future__ import annotations

import os
import random
import threading

import gevent
from locust import HttpUser, between, events, task

from loadtests import site_flow

_state: dict = {}
_lock = threading.Lock()


@events.test_start.add_listener
def _prepare(environment, **kwargs):
    import requests

    host = environment.host
    edition = os.environ["GLOS_EDITION"]
    ballot = requests.get(f"{host}/api/voting/editions/{edition}/ballot", timeout=10)
    ballot.raise_for_status()
    with open(os.environ["GLOS_RESIDENTS"], encoding="utf-8") as f:
        _state["residents"] = iter([line.strip() for line in f if line.strip()])
    _state.update(edition=edition, ballot=ballot.json(), password=os.environ["GLOS_RESIDENT_PASSWORD"],
                  proposals=[p["proposal_id"] for a in ballot.json()["areas"] for p in a["projects"]],
                  voted=0, stop_after=int(os.environ.get("GLOS_STOP_AFTER_VOTES", "0")))


class Resident(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.rnd = random.Random()
        with _lock:
            self.email = next(_state["residents"], None)
        self.voted = self.email is None
        if self.email:
            site_flow.log_in(self.client, self.email, _state["password"], direct=os.environ.get("GLOS_WEB_DIRECT", ""))

    @task(3)
    def browse(self):
        site_flow.browse(self.client, _state["edition"], _state["proposals"], self.rnd)

    @task(1)
    def vote(self):
        if self.voted:
            return
        site_flow.browse(self.client, _state["edition"], _state["proposals"], self.rnd)
        try:
            site_flow.vote(self.client, _state["edition"], _state["ballot"], self.rnd)
        except site_flow.JourneyError as exc:
            events.request.fire(request_type="JOURNEY", name="vote through the site", response_time=0,
                                response_length=0, exception=exc, context={})
        self.voted = True
        with _lock:
            _state["voted"] += 1
            enough_voted = _state["voted"] == _state["stop_after"]
        if enough_voted:  # quit from a greenlet of its own: quitting kills this user's greenlet too
            gevent.spawn(self.environment.runner.quit)
