"""deploy/prometheus: promtool accepts the configs and rules, and the rules' unit tests pass.

Every alert must have a unit test where it fires and one where it does not, the
annotations operators read, and a runbook section in docs/operations.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.tools import DEPLOY, ROOT, explain, run, tool

PROMETHEUS = DEPLOY / "prometheus"
RULES = sorted((PROMETHEUS / "rules").glob("*.yml"))
UNIT_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
OPERATIONS = ROOT / "docs" / "operations.md"


def alerts() -> list[dict[str, Any]]:
    found = []
    for path in RULES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            found += [rule for rule in group["rules"] if "alert" in rule]
    return found


def test_promtool_accepts_the_static_config() -> None:
    result = run(tool("promtool"), "check", "config", PROMETHEUS / "prometheus.yml")
    assert result.returncode == 0, explain(result)


def test_promtool_accepts_the_kubernetes_config(tmp_path: Path) -> None:
    """Debian's Prometheus is built without Kubernetes discovery: there promtool refuses
    `kubernetes_sd_configs` as an unknown field, so the rest of the file (relabeling,
    rule files) is checked on a copy that lists its targets statically instead."""
    promtool = tool("promtool")
    source = PROMETHEUS / "prometheus-kubernetes.yml"
    result = run(promtool, "check", "config", source)
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    assert "field kubernetes_sd_configs not found" in output, explain(result)
    config = yaml.safe_load(source.read_text())
    for job in config["scrape_configs"]:
        discovery = job.pop("kubernetes_sd_configs")
        assert [d["role"] for d in discovery] == ["pod"], job["job_name"]
        job["static_configs"] = [{"targets": ["hub:9400"]}]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config))
    (tmp_path / "rules").symlink_to(PROMETHEUS / "rules")
    result = run(promtool, "check", "config", copy)
    assert result.returncode == 0, explain(result)


def test_promtool_accepts_the_rules() -> None:
    assert RULES
    result = run(tool("promtool"), "check", "rules", *RULES)
    assert result.returncode == 0, explain(result)


def test_the_rules_unit_tests_pass() -> None:
    assert UNIT_TESTS
    result = run(tool("promtool"), "test", "rules", *UNIT_TESTS, cwd=PROMETHEUS / "tests")
    assert result.returncode == 0, explain(result)


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in UNIT_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names - firing == set(), "alerts without a unit test where they fire"
    assert names - quiet == set(), "alerts without a unit test where they stay quiet"
    assert firing | quiet <= names, "unit tests of alerts that do not exist"


def test_every_alert_says_what_happened_and_links_its_runbook() -> None:
    lines = OPERATIONS.read_text().splitlines()
    anchors = {_anchor(line) for line in lines if line.startswith("#")}
    for rule in alerts():
        name = rule["alert"]
        notes = rule.get("annotations", {})
        assert notes.get("summary"), f"{name}: no summary"
        assert len(notes.get("description", "")) > 40, f"{name}: no description"
        assert rule.get("labels", {}).get("severity") in {"critical", "warning"}, name
        url = notes.get("runbook_url", "")
        assert url == f"docs/operations.md#{name.lower()}", f"{name}: runbook_url {url!r}"
        assert name.lower() in anchors, f"docs/operations.md has no section {name}"


def _anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rules)."""
    text = heading.lstrip("#").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")
