"""Source positions in a compacted Kafka topic, written in the same transaction as events.

As in Kafka Connect, a positioned source's bookmark (last row id, files done) lives in
Kafka itself: the key is the source's name, the value its position as JSON. Because the
position record is part of the transaction that publishes the events, a reader with
``read_committed`` sees either both or neither.
"""

from __future__ import annotations

import json
import time
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from hub.connection import KafkaConnection
from hub.runtime.topics import TopicSpec
from hub.sdk.types import Position

COMPACTED = {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}


def positions_topic_spec(name: str) -> TopicSpec:
    return TopicSpec(name, partitions=1, configs=COMPACTED)


def encode_position(position: Position) -> bytes:
    return json.dumps(position, sort_keys=True, separators=(",", ":"), default=str).encode()


def load_position(
    conn: KafkaConnection, topic: str, source: str, timeout: float = 30.0
) -> Position | None:
    """The last committed position of ``source`` (None when it never committed one)."""
    consumer = KafkaConsumer(
        **conn.client_config(),
        enable_auto_commit=False,
        isolation_level="read_committed",
        group_id=None,
    )
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return None
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        wanted = source.encode()
        found: dict[str, Any] | None = None
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading positions from {topic} took over {timeout:.0f}s")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    if record.key == wanted:
                        found = None if record.value is None else json.loads(record.value)
        return found
    finally:
        consumer.close()
