"""What a Kafka-sink route makes of one consumed record.

A record becomes one :data:`Outcome`: the records to publish for it (and its event time,
for the end-to-end latency), ``FILTERED`` when the route leaves it out, or a dead letter's
error class and message when it cannot be decoded or its sink refused it for good. The
runner then sends, counts or dead-letters it inside the route's transaction. Outcomes are
plain tuples of bytes and strings, so another process could make them as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.events import Decoder, EventError
from hub.routing.pipeline import Pipeline
from hub.routing.types import KafkaSink, PermanentError

Out = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
"""A record to publish: topic, key, value, headers."""

Published = tuple[list[Out], float]
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
        return [(r.topic, r.key, r.value, r.headers) for r in out], event.time.timestamp()
