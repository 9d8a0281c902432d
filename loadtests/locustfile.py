"""Glos load tests. Scenarios live in loadtests/scenarios/; this file picks them up for locust.

    locust -f loadtests/locustfile.py --host http://127.0.0.1:8080            # web UI
    locust -f loadtests/locustfile.py --headless -u 20 -r 5 -t 1m --host …     # headless

The login rate limit of the gateway applies: scenarios log in once per run, not once per user.
"""

from loadtests.scenarios.smoke import Resident  # noqa: F401
