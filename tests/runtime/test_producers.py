"""The hub's transactional producer: refused transaction requests are resent sooner than
anything else, and back-to-back transactions all commit."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from kafka import KafkaConsumer, TopicPartition

from hub.runtime.producers import (
    TRANSACTION_STEP_RETRY_MS,
    shorten_transaction_retries,
    transactional_producer,
)
from hub.runtime.retry import TRANSACTION_RETRY_BACKOFF_MS
from tests.kafka_env import KafkaUnderTest


def test_back_to_back_transactions_commit_with_the_short_step_retry(
    kafka: KafkaUnderTest, unique: str
) -> None:
    topic = kafka.create_topic(unique, partitions=3)
    producer = transactional_producer(kafka.connection.client_config(), unique)
    try:
        # the sender's wait between transaction requests is short; the rest keep theirs
        assert producer._sender.config["retry_backoff_ms"] == TRANSACTION_STEP_RETRY_MS
        assert producer.config["retry_backoff_ms"] == TRANSACTION_RETRY_BACKOFF_MS
        assert producer._accumulator.config["retry_backoff_ms"] == TRANSACTION_RETRY_BACKOFF_MS
        for number in range(40):  # each begun right after the previous one committed
            producer.begin_transaction()
            for partition in range(3):
                producer.send(topic, key=b"k", value=b"%d" % number, partition=partition)
            producer.commit_transaction()
    finally:
        producer.close()
    consumer = KafkaConsumer(
        **kafka.connection.client_config(),
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        partitions = [TopicPartition(topic, p) for p in range(3)]
        consumer.assign(partitions)
        values: list[bytes] = []
        while len(values) < 120:
            polled = consumer.poll(timeout_ms=10_000)
            assert polled, f"only {len(values)} of 120 committed records came back"
            values += [r.value for records in polled.values() for r in records]
    finally:
        consumer.close()
    assert sorted(values) == sorted(b"%d" % n for n in range(40) for _ in range(3))


def test_settings_given_win_over_the_defaults(kafka: KafkaUnderTest, unique: str) -> None:
    producer = transactional_producer(kafka.connection.client_config(), unique, linger_ms=0)
    try:
        assert producer.config["linger_ms"] == 0
        assert producer.config["acks"] == -1  # kafka-python's spelling of "all"
        assert producer.config["transactional_id"] == unique
    finally:
        producer.close()


def test_a_producer_without_the_sender_setting_keeps_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    odd = SimpleNamespace(_sender=SimpleNamespace(config={}))
    with caplog.at_level(logging.WARNING, logger="hub.runtime.producers"):
        assert shorten_transaction_retries(odd) is False  # type: ignore[arg-type]
    assert "no sender retry_backoff_ms setting" in caplog.text
    assert odd._sender.config == {}
