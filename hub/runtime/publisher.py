"""Durable publishing for push sources: the idempotent producer, acks from all replicas."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from hub.connection import KafkaConnection
from hub.events import Encoder, Event
from hub.localkafka.probe import broker_answers
from hub.runtime.deadletters import deadletter_headers
from hub.runtime.metrics import SourceMetrics
from hub.runtime.topics import deadletter_topic
from hub.sdk.errors import TransientError
from hub.sdk.types import DeadLetter

log = logging.getLogger(__name__)


class KafkaUnavailable(TransientError):
    """Kafka did not acknowledge in time; nothing can be promised to the caller."""


class KafkaPublisher:
    """Publishes events one call at a time and returns only once they are durable."""

    def __init__(
        self,
        name: str,
        *,
        conn: KafkaConnection,
        encoder: Encoder,
        prefix: str,
        metrics: SourceMetrics,
        timeout: float = 10.0,
        producer_config: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.conn = conn
        self.encoder = encoder
        self.dlq_topic = deadletter_topic(prefix, name)
        self.metrics = metrics
        self.timeout = timeout
        self._producer = KafkaProducer(
            **conn.client_config(),
            acks="all",
            enable_idempotence=True,
            linger_ms=1,
            max_block_ms=int(timeout * 1000),
            request_timeout_ms=int(timeout * 1000),
            delivery_timeout_ms=int(timeout * 1000) + 1000,
            **(producer_config or {}),
        )

    def publish(self, events: Sequence[Event], dead_letters: Sequence[DeadLetter] = ()) -> None:
        """Encode (raising ``EventError`` for invalid data) and wait for every ack."""
        records = [self.encoder.encode(event) for event in events]
        try:
            futures = [
                self._producer.send(r.topic, key=r.key, value=r.value, headers=r.headers)
                for r in records
            ]
            futures += [
                self._producer.send(
                    self.dlq_topic,
                    key=d.key.encode(),
                    value=d.payload,
                    headers=deadletter_headers(self.name, d),
                )
                for d in dead_letters
            ]
            for future in futures:
                future.get(timeout=self.timeout)
        except KafkaError as exc:
            self.metrics.errors.labels(self.name, f"publish:{type(exc).__name__}").inc()
            raise KafkaUnavailable(f"Kafka did not acknowledge: {exc}") from exc
        for event in events:
            self.metrics.events.labels(self.name, event.type).inc()
        for letter in dead_letters:
            self.metrics.dead_letters.labels(self.name, letter.error_class).inc()
        self.metrics.last_success.labels(self.name).set_to_current_time()

    def healthy(self) -> bool:
        client = self.conn.client_config()
        bootstrap = ",".join(client.pop("bootstrap_servers"))
        client.pop("client_id")
        return broker_answers(bootstrap, timeout=2.0, client=client)

    def close(self) -> None:
        try:
            self._producer.close(timeout=5)
        except KafkaError as exc:
            log.debug("closing publisher %s: %s", self.name, exc)
