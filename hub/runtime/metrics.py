"""Prometheus metrics of the runtime, on a registry passed in (tests build their own)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass(frozen=True)
class SourceMetrics:
    events: Counter
    dead_letters: Counter
    errors: Counter
    batch_duration: Histogram
    last_success: Gauge
    up: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> SourceMetrics:
        return cls(
            events=Counter(
                "hub_source_events_published",
                "Events a source published to Kafka (committed).",
                ["connector", "type"],
                registry=registry,
            ),
            dead_letters=Counter(
                "hub_source_dead_letters",
                "Input a source rejected to its dead-letter topic.",
                ["connector", "reason"],
                registry=registry,
            ),
            errors=Counter(
                "hub_source_errors",
                "Failed polls or publishes of a source, by reason.",
                ["connector", "reason"],
                registry=registry,
            ),
            batch_duration=Histogram(
                "hub_source_batch_duration_seconds",
                "Time from poll to committed transaction, per batch.",
                ["connector"],
                buckets=BATCH_BUCKETS,
                registry=registry,
            ),
            last_success=Gauge(
                "hub_source_last_success_timestamp_seconds",
                "Unix time of the source's last successful poll.",
                ["connector"],
                registry=registry,
            ),
            up=Gauge(
                "hub_connector_up",
                "1 while the connector runs, 0 when it stopped or failed.",
                ["connector"],
                registry=registry,
            ),
        )
