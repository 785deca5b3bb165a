"""What a Kafka-sink route makes of one consumed record.

A record becomes one :data:`Outcome`: the records to publish for it (and its event time,
for the end-to-end latency), ``FILTERED`` when the route leaves it out, or a dead letter's
error class and message when it cannot be decoded or its sink refused it for good. The
runner then sends, counts or dead-letters it inside the route's transaction, whichever
process made the outcome: the route's own, or its worker (hub.routing.worker), which gets
the records as :data:`Input` and sends back their outcomes (they pickle).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hub.config.routes import RouteSpec
from hub.events import Catalog, Decoder, Encoder, EventError
from hub.routing.pipeline import Pipeline
from hub.routing.types import KafkaSink, OutRecord, PermanentError, SinkContext

Input = tuple[bytes | None, bytes | None, Sequence[tuple[str, bytes]]]
"""A consumed record as the worker gets it: key, value, headers."""

Published = tuple[list[OutRecord], float]
"""The records to publish for an event, and its time in Unix seconds."""

Refused = tuple[str, str]
"""A dead letter's error class and message."""

FILTERED = None
Outcome = Published | Refused | None
"""What a record comes to: ``Published``, ``Refused`` or ``FILTERED``."""


class Processing:
    """Decode, run the route's pipeline, make the sink's records."""

    def __init__(self, decoder: Decoder, pipeline: Pipeline, sink: KafkaSink) -> None:
        self.decode = decoder.decode
        self.process = pipeline.process
        self.records = sink.records

    def outcome(
        self, key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]
    ) -> Outcome:
        try:
            event = self.decode(key, value, headers)
            delivery = self.process(event)
            if delivery is None:
                return FILTERED
            out = self.records(delivery)
        except (EventError, PermanentError) as exc:
            return type(exc).__name__, str(exc)
        return out, event.time.timestamp()

    def outcomes(self, inputs: Iterable[Input]) -> Iterator[Outcome]:
        outcome = self.outcome
        for key, value, headers in inputs:
            yield outcome(key, value, headers)


@dataclass(frozen=True)
class RouteWork:
    """What a route's worker process needs to make outcomes: picklable, unlike a compiled
    pipeline, which the worker compiles again from the spec."""

    spec: RouteSpec
    catalog: Catalog
    topic_prefix: str
    sink: KafkaSink
    """As the sink's connector built it, not yet opened."""

    def processing(self) -> Processing:
        encoder = Encoder(self.catalog, topic_prefix=self.topic_prefix)
        context = SinkContext(self.spec.name, threading.Event(), self.catalog, encoder)
        self.sink.open(context)
        pipeline = Pipeline.compile(self.spec, self.catalog)
        return Processing(Decoder(self.catalog), pipeline, self.sink)


def handler(work: Any) -> Callable[[list[Input]], Iterator[Outcome]]:
    """The worker's handler: a job (a poll's inputs) to their outcomes."""
    if not isinstance(work, RouteWork):
        raise TypeError(f"a route worker is set up with a RouteWork, not {type(work).__name__}")
    return work.processing().outcomes
