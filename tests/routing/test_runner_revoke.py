"""A rebalance takes partitions away: the runner forgets them, lag series included."""

from __future__ import annotations

import threading

from kafka import TopicPartition
from prometheus_client import CollectorRegistry

from hub.config.routes import RouteSpec
from hub.connection import KafkaConnection
from hub.events import Catalog, Decoder
from hub.routing.pipeline import Pipeline
from hub.routing.runner import RouteRunner, _CommitOnRevoke
from hub.routing.types import Delivery, Sink
from hub.runtime.metrics import RouteMetrics


class Nowhere(Sink):
    def deliver(self, delivery: Delivery) -> None:
        raise AssertionError("nothing is delivered here")


def test_revoked_partitions_lose_their_lag_series_and_offsets(catalog: Catalog) -> None:
    spec = RouteSpec.model_validate(
        {"name": "r", "from": {"domains": ["registry"]}, "sink": {"type": "http", "config": {}}}
    )
    registry = CollectorRegistry()
    metrics = RouteMetrics.create(registry)
    runner = RouteRunner(
        spec,
        Pipeline.compile(spec, catalog),
        Nowhere(),
        conn=KafkaConnection(bootstrap_servers="127.0.0.1:9"),
        decoder=Decoder(catalog),
        prefix="t",
        metrics=metrics,
        stopping=threading.Event(),
    )
    kept, lost = TopicPartition("t.registry", 0), TopicPartition("t.registry", 1)
    for tp in (kept, lost):
        metrics.lag.labels("r", tp.topic, str(tp.partition)).set(7)
        runner._done[tp] = runner._committed[tp] = 42

    _CommitOnRevoke(runner).on_partitions_revoked([lost])

    def lag(tp: TopicPartition) -> float | None:
        labels = {"route": "r", "topic": tp.topic, "partition": str(tp.partition)}
        return registry.get_sample_value("hub_route_consumer_lag", labels)

    assert lag(kept) == 7
    assert lag(lost) is None
    assert lost not in runner._done
    assert lost not in runner._committed
    assert runner._done[kept] == runner._committed[kept] == 42
    _CommitOnRevoke(runner).on_partitions_revoked([lost])  # again: nothing left to drop
