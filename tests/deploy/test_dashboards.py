"""deploy/grafana: the dashboards are Grafana dashboard JSON that a reader can follow, and
every metric they (and the alert rules) use is one a running hub exports."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from connectors.bgmax import synthetic_file, write_bgmax
from hub.localkafka.broker import free_port
from tests.deploy.processes import hub_run, payments_hub_yaml, prometheus, wait_until
from tests.deploy.promql import exported, metric_names, panels, queries, variable_expr
from tests.deploy.tools import DEPLOY
from tests.kafka_env import KafkaUnderTest

GRAFANA = DEPLOY / "grafana"
DASHBOARDS = {path.stem: path for path in sorted((GRAFANA / "dashboards").glob("*.json"))}
RULES = sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARDS[name].read_text())
    return data


def test_both_dashboards_are_there() -> None:
    assert set(DASHBOARDS) == {"hub-overview", "hub-drilldown"}


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_a_dashboard_is_grafana_dashboard_json(name: str) -> None:
    dashboard = load(name)
    assert dashboard["uid"] == name
    assert isinstance(dashboard["schemaVersion"], int)
    assert dashboard["schemaVersion"] >= 36
    assert dashboard["title"]
    assert dashboard["description"]
    ids = [panel["id"] for panel in panels(dashboard)]
    assert all(isinstance(i, int) for i in ids)
    assert len(ids) == len(set(ids)), f"{name}: panel ids repeat"
    for panel in panels(dashboard):
        box = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= set(box), panel["title"]
        assert box["x"] >= 0, panel["title"]
        assert box["x"] + box["w"] <= 24, panel["title"]


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_says_what_it_shows(name: str) -> None:
    for panel in panels(load(name)):
        assert panel.get("title", "").strip(), f"{name}: panel {panel['id']} has no title"
        assert len(panel.get("description", "")) >= 30, (
            f"{name}: panel {panel['title']!r} needs a description of what it shows"
        )
        if panel["type"] != "row":
            exprs = [t.get("expr") for t in panel.get("targets", [])]
            assert exprs, f"{name}: panel {panel['title']!r} has no query"
            assert all(exprs), f"{name}: panel {panel['title']!r} has an empty query"
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]


def test_the_overview_shows_what_operations_watch() -> None:
    used = set()
    for _, expr in queries(load("hub-overview")):
        used |= metric_names(expr)
    assert {
        "hub_source_events_published_total",
        "hub_route_delivered_total",
        "hub_route_retries_total",
        "hub_route_dead_letters_total",
        "hub_source_dead_letters_total",
        "hub_route_end_to_end_latency_seconds_bucket",
        "hub_route_consumer_lag",
        "hub_connector_up",
        "hub_route_up",
        "hub_source_last_success_timestamp_seconds",
    } <= used
    exprs = " ".join(expr for _, expr in queries(load("hub-overview")))
    assert "histogram_quantile(0.5," in exprs
    assert "histogram_quantile(0.99," in exprs
    assert '"domain"' in exprs  # events per domain


def test_the_drilldown_chooses_a_connector_and_a_route() -> None:
    dashboard = load("hub-drilldown")
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["connector"]["query"] == "label_values(hub_connector_up, connector)"
    assert variables["route"]["query"] == "label_values(hub_route_up, route)"
    exprs = [expr for where, expr in queries(dashboard) if where.startswith("panel")]
    assert all('=~"$connector"' in e or '=~"$route"' in e for e in exprs)
    assert any(panel.get("collapsed") and panel["panels"] for panel in dashboard["panels"])


def test_the_provisioning_loads_these_dashboards_from_the_prometheus_source() -> None:
    sources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    [source] = sources["datasources"]
    assert (source["type"], source["uid"]) == ("prometheus", "hub-prometheus")
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/hub.yml").read_text())
    [provider] = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"]
    for name in DASHBOARDS:
        [variable] = [v for v in load(name)["templating"]["list"] if v["type"] == "datasource"]
        assert variable["query"] == "prometheus"
        assert variable["current"]["value"] == source["uid"]


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("hub_connector_up", {"hub_connector_up"}),
        (
            'sum by (route, le) (rate(x_bucket{le="5.0", route=~"$route"}[$__rate_interval]))',
            {"x_bucket"},
        ),
        (
            "time() - max by (connector) (a_seconds) > on (connector) group_left () b:c",
            {"a_seconds", "b:c"},
        ),
        ('label_replace(rate(a_total[5m]), "domain", "$1", "type", "x\\\\.(y)")', {"a_total"}),
        ("a_total unless a_total offset 15m or vector(0)", {"a_total"}),
        (
            "sum(rate(a_sum[1m])) / sum without (le) (rate(a_count[1m])) > bool 2",
            {"a_sum", "a_count"},
        ),
    ],
)
def test_metric_names_finds_the_metrics_of_an_expression(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_variable_queries() -> None:
    assert variable_expr("label_values(hub_route_up, route)") == "hub_route_up"
    assert (
        variable_expr('label_values(hub_route_up{job="hub"}, route)') == 'hub_route_up{job="hub"}'
    )
    assert variable_expr("label_values(route)") is None
    assert variable_expr("query_result(topk(5, a_total))") == "topk(5, a_total)"
    assert variable_expr("metrics(hub_.*)") is None


# -- against a running hub -----------------------------------------------------------------


def _hub_yaml(tmp_path: Path, kafka: KafkaUnderTest, prefix: str, inbox: Path) -> Path:
    return payments_hub_yaml(tmp_path, kafka.bootstrap, prefix, inbox, with_route=True)


def _used_metrics() -> dict[str, set[str]]:
    """Each metric the dashboards and alert rules use, and where."""
    used: dict[str, set[str]] = {}
    for name in DASHBOARDS:
        for where, expr in queries(load(name)):
            for metric in metric_names(expr):
                used.setdefault(metric, set()).add(f"{name}: {where}")
    for path in RULES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                for metric in metric_names(rule["expr"]):
                    label = rule.get("alert") or rule.get("record")
                    used.setdefault(metric, set()).add(f"{path.name}: {label}")
    return used


def _instant(base: str, expr: str) -> dict[str, Any]:
    """Evaluate a dashboard query as Grafana would, with its variables filled in."""
    expr = expr.replace("$__rate_interval", "1m").replace("$connector", ".+")
    expr = expr.replace("$route", ".+")
    answer: dict[str, Any] = httpx.get(
        f"{base}/api/v1/query", params={"query": expr}, timeout=10
    ).json()
    return answer


@pytest.mark.integration
def test_every_metric_used_is_exported_by_a_running_hub_and_every_query_evaluates(
    kafka: KafkaUnderTest, tmp_path: Path, unique: str
) -> None:
    prefix = f"g{unique[-8:]}"
    kafka.create_topic(f"{prefix}.copy", 1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = _hub_yaml(tmp_path, kafka, prefix, inbox)
    with hub_run(config) as (_, metrics_url):
        (inbox / "payments.bgmax").write_bytes(write_bgmax(synthetic_file(10, seed=1)))
        os.utime(inbox / "payments.bgmax", (time.time() - 60, time.time() - 60))
        delivered = re.compile(
            r'^hub_route_delivered_total\{route="payments-copy".*\} ([0-9.]+)$', re.M
        )

        def page_after_deliveries() -> str | None:
            page = httpx.get(metrics_url, timeout=5).text
            match = delivered.search(page)
            return page if match and float(match[1]) >= 10 else None

        page = wait_until(page_after_deliveries, 60, "the route to deliver the payments")

        # Every metric a dashboard panel, variable or rule uses is one the hub exports.
        available = exported(page) | {"up"}  # `up` is Prometheus's own, per target
        used = _used_metrics()
        recorded = {name for name in used if ":" in name}  # recording rules' outputs
        missing = {m: sorted(w) for m, w in used.items() if m not in available | recorded}
        assert not missing, f"not exported by a running hub: {json.dumps(missing, indent=2)}"
        # The latency objective's bucket exists under the name the rules use.
        assert re.search(
            r'^hub_route_end_to_end_latency_seconds_bucket\{le="5\.0",route="payments-copy"\}',
            page,
            re.M,
        ), 'the rules and dashboards use le="5.0"; the hub exports other bucket bounds'

        # A real Prometheus evaluates every dashboard query without errors, and the
        # overview's delivery panel shows the route.
        hub_port = httpx.URL(metrics_url).port
        scrape = tmp_path / "prometheus.yml"
        scrape.write_text(
            yaml.safe_dump(
                {
                    "global": {"scrape_interval": "1s"},
                    "scrape_configs": [
                        {
                            "job_name": "hub",
                            "static_configs": [{"targets": [f"127.0.0.1:{hub_port}"]}],
                        }
                    ],
                }
            )
        )
        with prometheus(scrape, tmp_path / "tsdb", free_port()) as (_, base):
            wait_until(
                lambda: _instant(base, "hub_route_up")["data"]["result"], 30, "the first scrape"
            )
            for name in DASHBOARDS:
                for where, expr in queries(load(name)):
                    answer = _instant(base, expr)
                    assert answer["status"] == "success", f"{name}: {where}: {answer}"
            [deliveries] = [
                expr
                for where, expr in queries(load("hub-overview"))
                if "Deliveries per route" in where
            ]
            routes = wait_until(
                lambda: {
                    s["metric"]["route"] for s in _instant(base, deliveries)["data"]["result"]
                },
                30,
                "the deliveries panel to show the route",
            )
            assert routes == {"payments-copy"}
