"""Reading whole topics as they stand: what committed transactions left, up to now."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from hub.connection import KafkaConnection


def read_committed(
    conn: KafkaConnection, topics: Iterable[str], timeout: float = 30.0
) -> list[Any]:
    """Every committed record of ``topics`` (from the beginning up to now)."""
    consumer = KafkaConsumer(
        **conn.client_config(), isolation_level="read_committed", enable_auto_commit=False
    )
    try:
        parts = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        if not parts:
            return []
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        out: list[Any] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in parts):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {sorted({tp.topic for tp in parts})} took too long")
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(records)
        return out
    finally:
        consumer.close()
