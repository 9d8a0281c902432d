"""The production alerts and the last evening's dashboard (issue 26, point 2): promtool checks every rule and every
dashboard query (as a recording rule, so that its PromQL is parsed the same way); the dashboard is linted as Grafana
would load it; every alert says what it means and points at its section of the runbook. That the running services
export every metric these name is checked on the platform (tests/test_metrics_named_by_alerts.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = REPO / "k8s" / "overlays" / "production"
RUNBOOK = REPO / "docs" / "ops" / "alerts.md"


def rule_groups() -> list[dict]:
    return yaml.safe_load((PRODUCTION / "alerts.yaml").read_text())["spec"]["groups"]


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted((PRODUCTION / "dashboards").glob("*.json"))}


def promtool_check(groups: list[dict], tmp_path: Path) -> subprocess.CompletedProcess:
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian's prometheus package, installed by ./glos) is needed"
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump({"groups": groups}))
    return subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)


def test_promtool_accepts_every_alert_and_recording_rule(tmp_path):
    result = promtool_check(rule_groups(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {sum(len(g['rules']) for g in rule_groups())} rules found" in result.stdout


def test_promtool_parses_every_dashboard_query(tmp_path):
    rules = [{"record": f"glos:dashboard:{name.removesuffix('.json').replace('-', '_')}_{panel['id']}_{i}",
              "expr": target["expr"]}
             for name, dashboard in dashboards().items() for panel in dashboard["panels"]
             for i, target in enumerate(panel["targets"])]
    result = promtool_check([{"name": "dashboards", "rules": rules}], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_does_refuse_a_broken_query(tmp_path):
    broken = [{"name": "broken", "rules": [{"alert": "Broken", "expr": "sum(rate(http_requests_total[5m])"}]}]
    assert promtool_check(broken, tmp_path).returncode != 0


def test_every_alert_has_a_severity_a_summary_and_a_runbook_section():
    anchors = {re.sub(r"[^a-z0-9]", "", line.lstrip("#").strip().lower())
               for line in RUNBOOK.read_text().splitlines() if line.startswith("## ")}
    alerts = [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]
    assert len(alerts) >= 10
    for rule in alerts:
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        anchor = rule["annotations"]["runbook_url"].rsplit("#", 1)[1]
        assert anchor == rule["alert"].lower() and anchor in anchors, rule["alert"]


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_the_dashboard_loads_as_grafana_expects(name):
    dashboard = dashboards()[name]
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    assert [v["name"] for v in dashboard["templating"]["list"] if v["type"] == "datasource"] == ["datasource"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        mine = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & mine, f"{panel['title']} overlaps another panel"
        cells |= mine
        assert " / " in panel["title"], "titles in Polish / English"
        assert panel["datasource"]["uid"] == "${datasource}" and panel["targets"]
        assert all(t["expr"] and t["refId"] for t in panel["targets"])
    wanted = {"http_requests_total", "glos_turnout_voters", "http_request_duration_seconds_bucket",
              "glos_vote_tally_lag_seconds_bucket", "glos_consumer_lag_messages"}
    queried = " ".join(t["expr"] for panel in dashboard["panels"] for t in panel["targets"])
    assert all(metric in queried for metric in wanted)  # votes/s, turnout per area, latency, lag, errors
