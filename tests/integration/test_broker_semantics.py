"""The broker guarantees the hub builds on, checked against the real broker."""

from __future__ import annotations

from collections import defaultdict

import pytest
from kafka import KafkaConsumer, KafkaProducer

from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration


def _consume(kafka: KafkaUnderTest, topic: str, group: str, expected: int, **extra: object) -> list:
    consumer = KafkaConsumer(
        topic,
        **kafka.config(
            group_id=group, auto_offset_reset="earliest", consumer_timeout_ms=15000, **extra
        ),
    )
    records = []
    try:
        for record in consumer:
            records.append(record)
            if len(records) >= expected:
                break
        consumer.commit()
    finally:
        consumer.close()
    return records


def test_idempotent_producer_keeps_every_record_in_order_per_key(
    kafka: KafkaUnderTest, unique: str
) -> None:
    topic = kafka.create_topic(unique, partitions=3)
    producer = KafkaProducer(**kafka.config(acks="all", enable_idempotence=True, linger_ms=5))
    n, keys = 3000, 17
    for i in range(n):
        key = f"KS 2026/{i % keys:05d}".encode()
        producer.send(topic, key=key, value=str(i).encode())
    producer.flush()
    producer.close()

    records = _consume(kafka, topic, f"{unique}-g", n)

    assert len(records) == n
    seen: dict[bytes, list[int]] = defaultdict(list)
    for r in records:
        seen[r.key].append(int(r.value))
    assert len(seen) == keys
    for key, values in seen.items():
        assert values == sorted(values), f"records of {key!r} out of order"
    assert sorted(int(r.value) for r in records) == list(range(n))
    assert {r.partition for r in records} == {0, 1, 2}


def test_aborted_transaction_is_invisible_to_read_committed(
    kafka: KafkaUnderTest, unique: str
) -> None:
    topic = kafka.create_topic(unique, partitions=1)
    producer = KafkaProducer(**kafka.config(transactional_id=f"{unique}-tx"))
    producer.init_transactions()
    for value, commit in ((b"kept-1", True), (b"aborted", False), (b"kept-2", True)):
        producer.begin_transaction()
        producer.send(topic, key=b"k", value=value)
        producer.flush()
        if commit:
            producer.commit_transaction()
        else:
            producer.abort_transaction()
    producer.close()

    committed = _consume(kafka, topic, f"{unique}-rc", 2, isolation_level="read_committed")
    everything = _consume(kafka, topic, f"{unique}-ru", 3, isolation_level="read_uncommitted")

    assert [r.value for r in committed] == [b"kept-1", b"kept-2"]
    assert [r.value for r in everything] == [b"kept-1", b"aborted", b"kept-2"]
