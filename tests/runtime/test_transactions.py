"""A transaction's sends: any failed one makes the transaction count as failed."""

from __future__ import annotations

import pytest
from kafka.errors import InvalidProducerEpochError, KafkaError
from kafka.future import Future

from hub.runtime.transactions import SendFailed, TransactionSends


def test_all_sends_succeeded() -> None:
    sends = TransactionSends()
    futures = [Future() for _ in range(3)]
    for future in futures:
        sends.watch(future)
        future.success("metadata")
    sends.check()


def test_a_failed_send_fails_the_transaction_even_after_the_watch() -> None:
    sends = TransactionSends()
    early, late, ok = Future(), Future(), Future()
    early.failure(InvalidProducerEpochError())
    for future in (early, late, ok):
        sends.watch(future)  # one already failed, one fails later
    late.failure(InvalidProducerEpochError())
    ok.success("metadata")
    with pytest.raises(SendFailed, match=r"2 record\(s\).*InvalidProducerEpochError"):
        sends.check()


def test_send_failed_is_a_kafka_failure() -> None:
    """The runners retry or rewind on KafkaError: a lost transaction takes that path."""
    assert issubclass(SendFailed, KafkaError)
