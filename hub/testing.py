"""Helpers for testing connectors against a real Kafka broker.

``run_source`` runs one source the way ``hub run`` does (transactions, positions, dead
letters) until it has nothing more to publish, then returns what it published, read back
with ``read_committed``::

    published = run_source(my_connector, MyConfig(...), kafka=conn, catalog=catalog)
    assert [e.type for e in published.events] == [...]

Topics get a fresh prefix per run, so runs never see each other's events.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from hub.connection import KafkaConnection
from hub.events import Catalog, Decoder, Encoder, Event
from hub.runtime.metrics import SourceMetrics
from hub.runtime.positions import positions_topic_spec
from hub.runtime.reading import read_committed
from hub.runtime.retry import RetryPolicy
from hub.runtime.source_runner import SourceRunner
from hub.runtime.topics import (
    TopicSpec,
    deadletter_topic,
    ensure_topics,
    event_topics,
    positions_topic,
)
from hub.sdk.registry import ConnectorType
from hub.sdk.types import Source


@dataclass(frozen=True)
class DeadLetterRecord:
    key: str
    value: bytes
    headers: dict[str, str]

    @property
    def reason(self) -> str:
        return self.headers.get("hub_dlq_reason", "")


@dataclass
class Published:
    """What a run committed to Kafka."""

    events: list[Event] = field(default_factory=list)
    dead_letters: list[DeadLetterRecord] = field(default_factory=list)
    prefix: str = ""
    metrics: CollectorRegistry | None = None
    runner: SourceRunner | None = None


def run_source(
    connector: ConnectorType[Any] | Source,
    config: BaseModel | None = None,
    *,
    kafka: KafkaConnection,
    catalog: Catalog,
    name: str = "under-test",
    prefix: str | None = None,
    idle_polls: int = 1,
    timeout: float = 60.0,
    until: Callable[[SourceRunner], bool] | None = None,
) -> Published:
    """Run a source until it reports ``idle_polls`` empty polls in a row (or ``until``)."""
    prefix = prefix or f"t{uuid.uuid4().hex[:10]}"
    if isinstance(connector, ConnectorType):
        if config is None:
            raise TypeError("run_source(connector_type, config): config is required")
        built = connector.build(config)
        if not isinstance(built, Source):
            raise TypeError(f"{connector.name} is not a polling source")
        source: Source = built
    else:
        source = connector
    encoder = Encoder(catalog, topic_prefix=prefix)
    domain_topics = event_topics(catalog, prefix)
    topics = [TopicSpec(t) for t in domain_topics]
    topics += [
        positions_topic_spec(positions_topic(prefix)),
        TopicSpec(deadletter_topic(prefix, name)),
    ]
    ensure_topics(kafka, topics)
    registry = CollectorRegistry()
    stopping = threading.Event()
    idle = [0]

    def on_idle() -> None:
        idle[0] += 1
        if idle[0] >= idle_polls:
            stopping.set()

    runner = SourceRunner(
        name,
        source,
        conn=kafka,
        encoder=encoder,
        prefix=prefix,
        positions_topic=positions_topic(prefix),
        metrics=SourceMetrics.create(registry),
        stopping=stopping,
        retry=RetryPolicy(initial=0.1, max=1.0, jitter=0.1),
        on_idle=on_idle,
        catalog=catalog,
    )
    thread = threading.Thread(target=runner.run, name=f"test-source-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline:
        if until is not None and until(runner):
            stopping.set()
        thread.join(0.1)
    stopping.set()
    thread.join(30)
    if runner.failed is not None:
        raise runner.failed
    decoder = Decoder(catalog)
    return Published(
        events=[decoder.decode_record(r) for r in read_committed(kafka, domain_topics)],
        dead_letters=[
            DeadLetterRecord(
                r.key.decode() if r.key else "",
                r.value,
                {k: v.decode() for k, v in r.headers},
            )
            for r in read_committed(kafka, [deadletter_topic(prefix, name)])
        ],
        prefix=prefix,
        metrics=registry,
        runner=runner,
    )
