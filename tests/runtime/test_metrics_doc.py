"""docs/metrics.md lists exactly the metrics the runtime registers, with their types and labels."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry

import hub.runtime.metrics as runtime_metrics

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
ROW = re.compile(r"^\|\s*`(?P<name>[a-z_:]+)`\s*\|(?P<rest>.*)\|\s*$")


@dataclass(frozen=True)
class Documented:
    name: str
    type: str
    labels: tuple[str, ...]
    unit: str
    meaning: str


def documented() -> dict[str, Documented]:
    rows: dict[str, Documented] = {}
    for number, line in enumerate(DOC.read_text().splitlines(), 1):
        match = ROW.match(line)
        if not match or not match["name"].startswith("hub_"):
            continue
        cells = [c.strip() for c in match["rest"].split("|")]
        where = f"docs/metrics.md:{number}"
        assert len(cells) == 4, f"{where}: want | metric | type | labels | unit | meaning |"
        kind, labels, unit, meaning = cells
        name = match["name"]
        assert name not in rows, f"{where}: {name} is listed twice"
        rows[name] = Documented(name, kind, tuple(re.findall(r"`(\w+)`", labels)), unit, meaning)
    return rows


def metric_sets() -> dict[str, object]:
    """Every metrics dataclass in hub.runtime.metrics, built on one fresh registry."""
    registry = CollectorRegistry()
    built: dict[str, object] = {"registry": registry}
    for name, value in vars(runtime_metrics).items():
        if inspect.isclass(value) and is_dataclass(value) and hasattr(value, "create"):
            built[name] = value.create(registry)
    return built


def exported_name(family_name: str, kind: str) -> str:
    return f"{family_name}_total" if kind == "counter" else family_name


def test_the_doc_lists_exactly_the_registered_metrics_with_their_types() -> None:
    registry = metric_sets()["registry"]
    assert isinstance(registry, CollectorRegistry)
    registered = {
        exported_name(family.name, family.type): family.type for family in registry.collect()
    }
    docs = documented()
    missing = sorted(set(registered) - set(docs))
    stale = sorted(set(docs) - set(registered))
    assert not missing, f"registered by hub/runtime/metrics.py, not in docs/metrics.md: {missing}"
    assert not stale, f"in docs/metrics.md, not registered by hub/runtime/metrics.py: {stale}"
    for name, kind in registered.items():
        said = docs[name].type
        assert said == kind, f"docs/metrics.md: {name} is a {kind}, not a {said}"


def test_the_documented_labels_are_the_metrics_labels() -> None:
    built = metric_sets()
    registry = built.pop("registry")
    assert isinstance(registry, CollectorRegistry)
    docs = documented()
    # Each metric accepts exactly its documented label names (prometheus_client refuses others).
    for metrics in built.values():
        assert is_dataclass(metrics)
        for field in fields(metrics):
            metric = getattr(metrics, field.name)
            series = metric.labels(**{label: "x" for label in _doc_for(metric, docs).labels})
            if hasattr(series, "observe"):
                series.observe(1)
            elif hasattr(series, "inc"):
                series.inc()
    for family in registry.collect():
        name = exported_name(family.name, family.type)
        for sample in family.samples:
            labels = set(sample.labels) - {"le"}
            assert labels == set(docs[name].labels), (name, sample)
        assert family.samples, f"{name}: no sample after use"


def test_every_metric_has_a_unit_and_a_meaning() -> None:
    for doc in documented().values():
        assert doc.unit, f"{doc.name}: no unit"
        assert len(doc.meaning) > 20, f"{doc.name}: say what it means"
        if doc.name.endswith("_seconds"):
            assert "seconds" in doc.unit, f"{doc.name}: unit should say seconds"


def test_the_doc_names_the_http_endpoints() -> None:
    text = DOC.read_text()
    for path in ("/metrics", "/healthz", "/readyz"):
        assert f"| `{path}` |" in text, f"docs/metrics.md: no row for {path}"


def _doc_for(metric: object, docs: dict[str, Documented]) -> Documented:
    family = next(iter(metric.describe()))  # type: ignore[attr-defined]
    return docs[exported_name(family.name, family.type)]
