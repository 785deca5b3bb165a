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


LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


@dataclass(frozen=True)
class RouteMetrics:
    consumed: Counter
    delivered: Counter
    filtered: Counter
    retried: Counter
    dead_letters: Counter
    errors: Counter
    delivery_duration: Histogram
    end_to_end: Histogram
    lag: Gauge
    last_delivery: Gauge
    up: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> RouteMetrics:
        def counter(name: str, doc: str, labels: list[str]) -> Counter:
            return Counter(name, doc, labels, registry=registry)

        return cls(
            consumed=counter("hub_route_consumed", "Events a route read from Kafka.", ["route"]),
            delivered=counter(
                "hub_route_delivered", "Events a route's sink confirmed.", ["route", "sink"]
            ),
            filtered=counter(
                "hub_route_filtered_out", "Events a route's filter left out.", ["route"]
            ),
            retried=counter(
                "hub_route_retries", "Delivery attempts that failed and were retried.", ["route"]
            ),
            dead_letters=counter(
                "hub_route_dead_letters",
                "Events a route gave up on and sent to its dead-letter topic, by error class.",
                ["route", "reason"],
            ),
            errors=counter(
                "hub_route_errors",
                "Batches a route read again from its committed offsets, by reason.",
                ["route", "reason"],
            ),
            delivery_duration=Histogram(
                "hub_route_delivery_duration_seconds",
                "Time the sink took to confirm one delivery (all attempts).",
                ["route"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            end_to_end=Histogram(
                "hub_route_end_to_end_latency_seconds",
                "From the event's time to its confirmed delivery.",
                ["route"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            lag=Gauge(
                "hub_route_consumer_lag",
                "Records not yet consumed by the route, per partition.",
                ["route", "topic", "partition"],
                registry=registry,
            ),
            last_delivery=Gauge(
                "hub_route_last_delivery_timestamp_seconds",
                "Unix time of the route's last confirmed delivery.",
                ["route"],
                registry=registry,
            ),
            up=Gauge(
                "hub_route_up",
                "1 while the route runs, 0 when it stopped or failed.",
                ["route"],
                registry=registry,
            ),
        )
