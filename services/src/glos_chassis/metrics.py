"""What a worker tells Prometheus (the web processes export their requests and latency from `web.py`).

A worker serves these on `WORKER_METRICS_PORT` (if set: the dev stack gives each worker its own, Kubernetes the
pod's metrics port). The alerts and dashboards of k8s/overlays/production name them; a platform test scrapes the
running workers and finds every one.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

OUTBOX_PENDING = Gauge("glos_outbox_pending_events", "Events in the outbox not yet acknowledged by Kafka", ["service"])
CONSUMER_LAG = Gauge("glos_consumer_lag_messages",
                     "Messages of a group's assigned partitions not yet handled (high watermark minus position)",
                     ["group", "topic"])
EVENTS_HANDLED = Counter("glos_events_handled_total", "Messages a consumer group handled and committed", ["group"])
DEAD_LETTERS = Counter("glos_dead_letters_total", "Messages a consumer group sent to its dead-letter topic", ["group"])
CONSUMER_REJOINS = Counter("glos_consumer_rejoins_total",
                           "Consumers replaced after losing their group membership unnoticed (consumer.py)", ["group"])
# voting-svc's tally: how long after its cast a ballot was counted, and the live turnout it keeps
VOTE_TALLY_LAG = Histogram("glos_vote_tally_lag_seconds", "From a ballot's cast to the tally's counting of it",
                           buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
TURNOUT = Gauge("glos_turnout_voters", "Voters so far in an edition's area whose voting is open (online and paper)",
                ["edition_id", "area"])


def serve_from_environment() -> int | None:
    """Start the metrics endpoint on WORKER_METRICS_PORT, if the environment sets one; returns the port."""
    port = os.environ.get("WORKER_METRICS_PORT", "").strip()
    if not port:
        return None
    start_http_server(int(port), addr=os.environ.get("BIND_HOST", "127.0.0.1"))
    log.info("worker metrics on port %s", port)
    return int(port)
