"""A real Prometheus scrapes a real ``hub run`` process and evaluates the hub's rules.

Two scrape jobs: one as deploy/prometheus/prometheus.yml has it (a static target), and
one with deploy/prometheus/prometheus-kubernetes.yml's relabeling applied to pods made
up here (Debian's Prometheus has no Kubernetes discovery), which must find the hub
through its prometheus.io/* annotations and leave the pod that did not ask alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from hub.localkafka.broker import free_port
from tests.deploy.processes import hub_run, payments_hub_yaml, prometheus, wait_until
from tests.deploy.tools import DEPLOY
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

PROMETHEUS = DEPLOY / "prometheus"


def _hub_yaml(tmp_path: Path, kafka: KafkaUnderTest, prefix: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return payments_hub_yaml(tmp_path, kafka.bootstrap, prefix, inbox)


def _prometheus_yml(tmp_path: Path, hub_port: int) -> Path:
    """Scrape every second; the rules and the Kubernetes relabeling from deploy/prometheus."""
    kubernetes = yaml.safe_load((PROMETHEUS / "prometheus-kubernetes.yml").read_text())
    [job] = kubernetes["scrape_configs"]
    del job["kubernetes_sd_configs"]
    pod = {
        "__meta_kubernetes_namespace": "municipal-event-hub",
        "__meta_kubernetes_pod_phase": "Running",
        "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
        "__meta_kubernetes_pod_annotation_prometheus_io_port": str(hub_port),
        "__meta_kubernetes_pod_annotation_prometheus_io_path": "/metrics",
        "__meta_kubernetes_pod_label_app_kubernetes_io_component": "payments",
    }
    job["job_name"] = "hub-kubernetes"
    job["static_configs"] = [
        # The pod's container port as discovered; the annotation's port is the one scraped.
        {"targets": ["127.0.0.1:1"], "labels": {**pod, "__meta_kubernetes_pod_name": "hub-a"}},
        {
            "targets": ["127.0.0.1:2"],
            "labels": {
                **pod,
                "__meta_kubernetes_pod_name": "not-asking",
                "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "false",
            },
        },
    ]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(path) for path in sorted((PROMETHEUS / "rules").glob("*.yml"))],
        "scrape_configs": [
            {"job_name": "hub", "static_configs": [{"targets": [f"127.0.0.1:{hub_port}"]}]},
            job,
        ],
    }
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def _query(base: str, promql: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def _evaluated_rules(base: str) -> list[dict[str, Any]]:
    """Every loaded rule, once each has been evaluated at least once (else [])."""
    groups = httpx.get(f"{base}/api/v1/rules", timeout=5).json()["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    return rules if all(rule["health"] != "unknown" for rule in rules) else []


def _active_targets(base: str) -> set[tuple[str, str]]:
    targets = httpx.get(f"{base}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
    return {(t["labels"]["job"], t["labels"]["instance"]) for t in targets}


def test_prometheus_scrapes_the_hub_and_evaluates_its_rules(
    kafka: KafkaUnderTest, tmp_path: Path, unique: str
) -> None:
    config = _hub_yaml(tmp_path, kafka, f"p{unique[-8:]}")
    with hub_run(config) as (_, metrics_url):
        hub_port = httpx.URL(metrics_url).port
        assert hub_port is not None
        scrape = _prometheus_yml(tmp_path, hub_port)
        with prometheus(scrape, tmp_path / "tsdb", free_port()) as (_, base):
            series = wait_until(
                lambda: len(found := _query(base, "hub_connector_up")) == 2 and found,
                30,
                "hub_connector_up from both scrape jobs",
            )
            # What Prometheus recorded after scraping the running hub.
            hub = f"127.0.0.1:{hub_port}"
            by_job = {s["metric"]["job"]: s for s in series}
            assert set(by_job) == {"hub", "hub-kubernetes"}
            for sample in by_job.values():
                assert sample["metric"]["connector"] == "payments"
                assert sample["metric"]["instance"] == hub
                assert sample["value"][1] == "1"
            pod = by_job["hub-kubernetes"]["metric"]
            assert (pod["namespace"], pod["pod"], pod["component"]) == (
                "municipal-event-hub",
                "hub-a",
                "payments",
            )
            # The pod that did not ask to be scraped is no target at all.
            assert _active_targets(base) == {("hub", hub), ("hub-kubernetes", hub)}

            # The rules load and evaluate without errors on the real metrics.
            threshold = 'hub:source_silence_threshold_seconds:effective{connector="payments"}'
            [in_force] = wait_until(
                lambda: _query(base, threshold), 30, "the silence threshold recording rule"
            )
            assert in_force["value"][1] == "900"  # the default
            rules = wait_until(lambda: _evaluated_rules(base), 30, "every rule evaluated once")
            assert len(rules) >= 10
            broken = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
            assert broken == []
            assert _query(base, 'ALERTS{alertname=~"HubConnectorDown|HubTargetDown"}') == []
