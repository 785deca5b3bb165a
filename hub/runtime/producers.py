"""The hub's transactional producer, as the source runner and Kafka-sink routes use it.

Back-to-back transactions meet CONCURRENT_TRANSACTIONS: a transaction begun right after the
previous one committed is refused (adding its partitions, adding the consumed offsets)
until the broker has written the previous one's commit markers, which takes a millisecond
or two. The client then waits and asks again. kafka-python (3.0) waits its producer-wide
``retry_backoff_ms`` there: it computes a shorter wait for this case but its sender
sleeps the configured one. A short ``retry_backoff_ms`` for the whole producer would
also make it ask for metadata and resend failed batches that often while a broker is
down, so only the sender's wait between transaction requests is shortened, to
``TRANSACTION_STEP_RETRY_MS``; the producer's other retries keep
``TRANSACTION_RETRY_BACKOFF_MS``.
"""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaProducer

from hub.runtime.retry import TRANSACTION_RETRY_BACKOFF_MS

log = logging.getLogger(__name__)

TRANSACTION_STEP_RETRY_MS = 2
"""How long a refused transaction request (CONCURRENT_TRANSACTIONS) waits before it is sent
again: about as long as the broker takes to write the previous transaction's markers."""


def transactional_producer(
    client_config: dict[str, Any], transactional_id: str, **settings: Any
) -> KafkaProducer:
    """A transactional producer (``acks=all``, ``linger_ms=5`` unless ``settings`` say
    otherwise), its transactions initialised."""
    producer = KafkaProducer(
        **client_config,
        **{
            "acks": "all",
            "linger_ms": 5,
            "retry_backoff_ms": TRANSACTION_RETRY_BACKOFF_MS,
            **settings,
            "transactional_id": transactional_id,
        },
    )
    shorten_transaction_retries(producer)
    producer.init_transactions()
    return producer


def shorten_transaction_retries(producer: KafkaProducer) -> bool:
    """Let ``producer``'s sender resend a refused transaction request after
    ``TRANSACTION_STEP_RETRY_MS``; False (and a warning) when this kafka-python has no such
    setting, and the producer then keeps its own ``retry_backoff_ms``."""
    config = getattr(getattr(producer, "_sender", None), "config", None)
    if not isinstance(config, dict) or not isinstance(config.get("retry_backoff_ms"), int):
        log.warning(
            "this kafka-python's producer has no sender retry_backoff_ms setting: refused "
            "transaction steps wait the producer's retry_backoff_ms"
        )
        return False
    config["retry_backoff_ms"] = min(config["retry_backoff_ms"], TRANSACTION_STEP_RETRY_MS)
    return True
