"""What the running hub has counted, read from its Prometheus registry (the same numbers
``/metrics`` serves)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry


@dataclass(frozen=True)
class HubCounts:
    published: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(connector, event name) -> events published."""
    source_dead_letters: Counter[str] = field(default_factory=Counter)
    source_errors: Counter[str] = field(default_factory=Counter)
    delivered: Counter[str] = field(default_factory=Counter)
    """Route -> deliveries its sink confirmed."""
    retries: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)
    """Route -> events it gave up on (its dead-letter topic)."""

    @classmethod
    def read(cls, registry: CollectorRegistry) -> HubCounts:
        counts = cls()
        for family in registry.collect():
            for sample in family.samples:
                if not sample.name.endswith("_total"):
                    continue
                labels, value = sample.labels, sample.value
                name = sample.name.removesuffix("_total")
                if name == "hub_source_events_published":
                    event = labels["type"].split(".")[-2]
                    counts.published[(labels["connector"], event)] += int(value)
                elif name == "hub_source_dead_letters":
                    counts.source_dead_letters[labels["connector"]] += int(value)
                elif name == "hub_source_errors":
                    counts.source_errors[labels["connector"]] += int(value)
                elif name == "hub_route_delivered":
                    counts.delivered[labels["route"]] += int(value)
                elif name == "hub_route_retries":
                    counts.retries[labels["route"]] += int(value)
                elif name == "hub_route_dead_letters":
                    counts.dead_letters[labels["route"]] += int(value)
        return counts

    @property
    def events(self) -> int:
        return sum(self.published.values())

    @property
    def errors(self) -> int:
        return sum(self.source_errors.values())
