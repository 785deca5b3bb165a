"""Runs one positioned source: poll, publish in a transaction with the position, repeat.

Exactly-once from the source's point of view:

* the producer's transactional id is ``<prefix>.source.<name>``; ``init_transactions``
  fences any other instance of the same source (it can no longer commit) and aborts
  whatever it left open;
* the position is read back from Kafka (``read_committed``) after fencing, so it is the
  position of the last transaction that really committed;
* events, dead letters and the new position go in one transaction; only after it
  commits is the source told (``Source.commit``), e.g. to move a file to ``processed/``;
* when the batch's event iterator raises ``BatchRejected`` (input found bad part-way),
  the transaction is aborted, so ``read_committed`` consumers see none of it, and the
  replacement batch it carries is published in a new transaction instead;
* when Kafka fails mid-transaction the producer is rebuilt, which fences every other
  instance, and the position is reloaded. Only then is the batch judged: if the failed
  commit did land, the batch is acknowledged; if the position is still the one the
  batch was polled from, it is published again; if another instance moved it meanwhile,
  the batch is stale and dropped, and the source is polled again from the new position.
  Either way nothing is lost and nothing published twice.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from functools import partial
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from hub.connection import KafkaConnection
from hub.events import Catalog, Encoder
from hub.runtime.deadletters import deadletter_headers
from hub.runtime.encoding_worker import Encoded, EncodingWorker, encoded
from hub.runtime.metrics import SourceMetrics
from hub.runtime.positions import encode_position, load_position
from hub.runtime.producers import transactional_producer
from hub.runtime.retry import RetryPolicy, retrying
from hub.runtime.topics import deadletter_topic
from hub.runtime.transactions import TransactionSends
from hub.sdk.errors import FatalError, TransientError
from hub.sdk.types import Batch, BatchRejected, DeadLetter, Position, Source, SourceContext

log = logging.getLogger(__name__)

TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000

_FENCED = ("ProducerFencedError", "InvalidProducerEpochError", "TransactionalIdAuthorizationFailed")


def transactional_id(prefix: str, source: str) -> str:
    """One per positioned source and hub (topic prefix): a second copy fences the first."""
    return f"{prefix}.source.{source}"


class Fenced(FatalError):
    """Another instance of this source took over its transactional id."""


class _Stale(Exception):
    """The position moved on since the batch was polled: another instance published."""


class SourceRunner:
    def __init__(
        self,
        name: str,
        source: Source,
        *,
        conn: KafkaConnection,
        encoder: Encoder,
        prefix: str,
        positions_topic: str,
        metrics: SourceMetrics,
        stopping: threading.Event,
        retry: RetryPolicy | None = None,
        producer_config: dict[str, Any] | None = None,
        on_idle: Callable[[], None] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.name = name
        self.catalog = catalog
        self.on_idle = on_idle
        self.source = source
        self.conn = conn
        self.encoder = encoder
        self.prefix = prefix
        self.dlq_topic = deadletter_topic(prefix, name)
        self.positions_topic = positions_topic
        self.metrics = metrics
        self.stopping = stopping
        self.retry = retry or RetryPolicy()
        self.producer_config = producer_config or {}
        self._producer: KafkaProducer | None = None
        self._worker: EncodingWorker | None = None
        self.position: Position | None = None
        self.failed: BaseException | None = None
        self._poll_started = 0.0
        self._last_outcome: tuple[Counter[str], list[DeadLetter]] = (Counter(), [])

    # -- lifecycle ---------------------------------------------------------------------
    def run(self) -> None:
        """Run until ``stopping`` is set or the source fails for good."""
        self.metrics.up.labels(self.name).set(1)
        try:
            self._connect()
            self.source.open(SourceContext(self.name, self.stopping, log.info, self.catalog))
            if self.source.encode_in_worker:
                self._encoding_worker()  # started before the first poll, reused after
            while not self.stopping.is_set():
                batch = self._attempt(self._poll, "poll")
                if batch is None:
                    break
                if batch.empty:
                    if self.on_idle is not None:
                        self.on_idle()
                    self.stopping.wait(self.source.poll_interval)
                    continue
                self._deliver(batch)
        except Exception as exc:
            self.failed = exc
            self.metrics.errors.labels(self.name, type(exc).__name__).inc()
            log.exception("source %s stopped: %s", self.name, exc)
        finally:
            self.metrics.up.labels(self.name).set(0)
            self._close()

    # -- steps -------------------------------------------------------------------------
    def _poll(self) -> Batch:
        start = time.perf_counter()
        batch = self.source.poll(self.position) or Batch()
        self._poll_started = start
        if batch.empty:
            self.metrics.last_success.labels(self.name).set_to_current_time()
        return batch

    def _deliver(self, batch: Batch) -> None:
        base = self.position  # what the batch was polled from
        while True:
            try:
                outcome = self._attempt(partial(self._transact, batch, base), "publish")
                break
            except BatchRejected as exc:  # aborted: publish what the source says instead
                log.warning("source %s: batch rejected while publishing: %s", self.name, exc)
                batch = exc.replacement
            except _Stale:
                self.metrics.errors.labels(self.name, "publish:stale").inc()
                log.warning(
                    "source %s: another instance moved the position from %s to %s; "
                    "the batch polled from the old one is dropped",
                    self.name,
                    base,
                    self.position,
                )
                return
        if outcome is None:  # stopping while Kafka was failing: nothing committed
            return
        published, rejected = outcome
        if batch.position is not None:
            self.position = _normalise(batch.position)
        self.source.commit(batch)
        for event_type, count in published.items():
            self.metrics.events.labels(self.name, event_type).inc(count)
        for letter in rejected:
            self.metrics.dead_letters.labels(self.name, letter.error_class).inc()
        self.metrics.last_success.labels(self.name).set_to_current_time()
        self.metrics.batch_duration.labels(self.name).observe(
            time.perf_counter() - self._poll_started
        )

    def _transact(
        self, batch: Batch, base: Position | None
    ) -> tuple[Counter[str], list[DeadLetter]]:
        """Publish the batch and its position in one transaction.

        Events are encoded as they are sent, so a large batch (a whole BgMax file) never
        sits in memory twice; one whose data does not fit its schema becomes a dead letter.
        Anything but Kafka failing (``BatchRejected``, the source's own errors while its
        events are read) aborts the transaction before it propagates.

        ``base`` is the position the batch was polled from. After a reconnect (a retry)
        the position is read again, behind the new producer's fence, and must still be
        ``base``: if it is the batch's own position, an earlier attempt's commit landed;
        anything else and the batch is stale (``_Stale``).
        """
        producer = self._connect()
        if self.position != base:
            if batch.position is not None and self.position == _normalise(batch.position):
                log.info("source %s: the failed commit had landed", self.name)
                return self._last_outcome
            raise _Stale()
        published: Counter[str] = Counter()
        rejected = list(batch.dead_letters)
        self._last_outcome = (published, rejected)
        sends = TransactionSends()
        try:
            producer.begin_transaction()
            if self.source.encode_in_worker:  # made and encoded in the worker process
                with closing(self._encoding_worker().encode(batch.events)) as items:
                    self._send(producer, items, published, rejected, sends)
            else:
                made = encoded(self.encoder, batch.events)
                self._send(producer, made, published, rejected, sends)
            for letter in rejected:
                sends.watch(
                    producer.send(
                        self.dlq_topic,
                        key=letter.key.encode(),
                        value=letter.payload,
                        headers=deadletter_headers(self.name, letter),
                    )
                )
            if batch.position is not None:
                sends.watch(
                    producer.send(
                        self.positions_topic,
                        key=self.name.encode(),
                        value=encode_position(batch.position),
                    )
                )
            producer.commit_transaction()
            sends.check()
            return published, rejected
        except KafkaError as exc:
            if _fenced(exc):
                raise Fenced(f"source {self.name} was taken over by another instance") from exc
            # The commit may have landed before the error reached us: the retry's new
            # producer fences every other instance, then reads the position to tell.
            self._reset()
            raise
        except Exception:
            self._abort(producer)
            raise

    def _send(
        self,
        producer: KafkaProducer,
        items: Iterable[Encoded],
        published: Counter[str],
        rejected: list[DeadLetter],
        sends: TransactionSends,
    ) -> None:
        send, watch = producer.send, sends.watch
        for item in items:
            if isinstance(item, DeadLetter):
                rejected.append(item)
                continue
            rec, event_type = item
            watch(send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers))
            published[event_type] += 1

    def _abort(self, producer: KafkaProducer) -> None:
        """End the open transaction without a trace for ``read_committed`` readers."""
        try:
            producer.abort_transaction()
        except KafkaError as exc:
            if _fenced(exc):
                raise Fenced(f"source {self.name} was taken over by another instance") from exc
            # A new producer's init_transactions aborts whatever this one left open.
            log.warning("source %s: aborting failed, reconnecting: %s", self.name, exc)
            self._reset()

    def _attempt(self, step: Callable[[], Any], what: str) -> Any:
        def failed(exc: BaseException) -> None:
            reason = "transient" if isinstance(exc, TransientError) else type(exc).__name__
            self.metrics.errors.labels(self.name, f"{what}:{reason}").inc()
            log.warning("source %s: %s failed, retrying: %s", self.name, what, exc)

        retry_on: tuple[type[BaseException], ...] = (TransientError, KafkaError, OSError)
        try:
            for attempt in retrying(
                self.retry, self.stopping, retry_on=retry_on, on_failure=failed
            ):
                with attempt:
                    return step()
        except (TransientError, KafkaError, OSError):
            if self.stopping.is_set():
                return None
            raise
        return None

    # -- Kafka -------------------------------------------------------------------------
    def _connect(self) -> KafkaProducer:
        if self._producer is None:
            producer = transactional_producer(
                self.conn.client_config(),
                transactional_id(self.prefix, self.name),
                **{
                    # A batch may be a whole BgMax file: allow the broker's longest
                    # transaction (transaction.max.timeout.ms, 15 min by default) rather
                    # than the client's 60 s, after which the broker aborts it.
                    "transaction_timeout_ms": TRANSACTION_TIMEOUT_MS,
                    **self.producer_config,
                },
            )
            self._producer = producer
            self.position = load_position(self.conn, self.positions_topic, self.name)
            log.info("source %s starts at position %s", self.name, self.position)
        return self._producer

    def _encoding_worker(self) -> EncodingWorker:
        """The worker process for ``Source.encode_in_worker``; a new one after a failure."""
        if self._worker is None or not self._worker.alive:
            self._worker = EncodingWorker(self.encoder, name=f"hub-encoder-{self.name}")
        return self._worker

    def _reset(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=5)
            except KafkaError as exc:  # closing a broken producer may fail too
                log.debug("closing producer of %s: %s", self.name, exc)

    def _close(self) -> None:
        try:
            self.source.close()
        finally:
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.close()
            self._reset()


def _fenced(exc: BaseException) -> bool:
    """Was the producer fenced? kafka-python raises the fencing error itself, or later a
    plain KafkaError naming it ("... in an error state: ProducerFencedError")."""
    text = f"{type(exc).__name__} {exc}"
    return any(name in text for name in _FENCED)


def _normalise(position: Position) -> Any:
    return json.loads(encode_position(position))
