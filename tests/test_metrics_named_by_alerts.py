"""Every metric the production alerts and dashboards name is one the running services export (issue 26, point 2):
each service's web process and worker are scraped on the test stack as Prometheus would scrape their pods. Metrics
from outside Glos (Strimzi's Kafka exporter, the kubelet, Prometheus's own `up`) are not ours to export."""

from __future__ import annotations

import json
import re

import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

import stack
from glos_testing import wait_until

PRODUCTION = stack.REPO / "k8s" / "overlays" / "production"
NOT_OURS = re.compile(r"^(kafka_|kubelet_|up$)")
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"),
            "gauge": ("",), "summary": ("", "_count", "_sum"), "untyped": ("",)}
PROMQL_WORDS = {"sum", "rate", "increase", "max", "min", "by", "histogram_quantile", "clamp_min", "le", "without",
                "avg", "count", "on", "ignoring", "and", "or", "unless", "bool", "offset"}


def named_metrics() -> set[str]:
    """The metric names in every alert, recording rule and dashboard query (not labels, functions or rule names)."""
    exprs = [rule["expr"] for group in yaml.safe_load((PRODUCTION / "alerts.yaml").read_text())["spec"]["groups"]
             for rule in group["rules"]]
    for path in (PRODUCTION / "dashboards").glob("*.json"):
        exprs += [t["expr"] for panel in json.loads(path.read_text())["panels"] for t in panel["targets"]]
    names = set()
    for expr in exprs:
        without_labels = re.sub(r"\{[^}]*\}", "", re.sub(r'"[^"]*"', "", expr))
        without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
        without_ranges = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", without_ranges)
        for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_ranges):
            if word not in PROMQL_WORDS and ":" not in word and not re.fullmatch(r"e\d*", word):
                names.add(word)
    return names


def exported(text: str) -> set[str]:
    return {family.name + suffix for family in text_string_to_metric_families(text)
            for suffix in SUFFIXES[family.type]}


def test_the_services_export_every_metric_the_alerts_and_dashboards_name(platform, gateway):
    wanted = {name for name in named_metrics() if not NOT_OURS.match(name)}
    assert {"http_requests_total", "glos_vote_tally_lag_seconds_bucket", "glos_consumer_lag_messages",
            "glos_dead_letters_total", "glos_outbox_pending_events", "glos_turnout_voters"} <= wanted
    requests.get(f"{gateway}/api/voting/alive", timeout=10)  # the vote path's process has answered something

    def scrape() -> set[str] | None:
        found: set[str] = set()
        for svc in stack.SERVICES:
            for port in (platform.service_port(svc), platform.worker_metrics_port(svc)):
                try:
                    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
                except requests.ConnectionError:
                    return None  # a worker still starting
                assert answer.status_code == 200, (svc, port)
                found |= exported(answer.text)
        return found

    # a metric family is exported from the process's start, before it has any value
    found = wait_until(scrape, timeout=60, interval=1, message="every service's web and worker metrics")
    assert not wanted - found, sorted(wanted - found)
