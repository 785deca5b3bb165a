"""Runs one route: consume, process, deliver, commit; one Kafka consumer group per route.

* The consumer reads with ``read_committed`` in the group ``<prefix>.route.<name>``, so a slow
  or broken department never holds back another route, and N processes of one route
  share its partitions.
* Records of a partition are handled one after another, so order per key is kept;
  different partitions are delivered in parallel (``parallelism``, default 4). Sinks
  are called from several threads and must be thread-safe.
* Offsets are committed only after the sink confirmed each record of the batch, or after
  the record's dead letter is durable (at-least-once; targets drop duplicates by event id).
* A Kafka sink instead publishes and commits the consumed offsets in one transaction
  (exactly once from topic to topic).
* A failing delivery is retried with backoff up to ``retry.max_attempts``, then goes to
  the route's dead-letter topic; an undecodable record goes there at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, cast

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from tenacity import retry_if_not_exception_type

from hub.config.routes import RouteSpec
from hub.connection import KafkaConnection
from hub.events import Decoder, EventError
from hub.routing.deadletter import Failure, deadletter_headers
from hub.routing.pipeline import Pipeline
from hub.routing.processing import FILTERED, Outcome, Processing, Refused, RouteWork
from hub.routing.types import KafkaSink, PermanentError, Sink, SinkContext
from hub.routing.worker import RouteWorker
from hub.runtime.child import WorkerGone
from hub.runtime.metrics import RouteMetrics
from hub.runtime.producers import transactional_producer
from hub.runtime.retry import RetryPolicy, retrying
from hub.runtime.topics import deadletter_topic
from hub.runtime.transactions import TransactionSends
from hub.sdk.errors import FatalError

log = logging.getLogger(__name__)


def group_id(prefix: str, route: str) -> str:
    """The route's consumer group; the topic prefix keeps hubs on one cluster apart."""
    return f"{prefix}.route.{route}"


class _Rebalanced(Exception):
    """Partitions moved while the next batch was read ahead of a commit."""


@dataclass(frozen=True)
class Ahead:
    """A batch polled before the previous transaction committed, and its outcomes, which
    the route's worker is already making."""

    polled: dict[TopicPartition, list[Any]]
    outcomes: Iterator[Outcome]


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: RouteRunner) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.runner.rebalances += 1
        self.runner.commit(only=set(revoked))
        self.runner.forget(revoked)

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner.rebalances += 1
        log.info("route %s: assigned %s", self.runner.name, sorted(map(tuple, assigned)))


class RouteRunner:
    def __init__(
        self,
        spec: RouteSpec,
        pipeline: Pipeline,
        sink: Sink | KafkaSink,
        *,
        conn: KafkaConnection,
        decoder: Decoder,
        prefix: str,
        metrics: RouteMetrics,
        stopping: threading.Event,
        sink_context: SinkContext | None = None,
        max_poll_records: int = 200,
        work: RouteWork | None = None,
    ) -> None:
        """``work``: a Kafka sink's records are decoded, processed and encoded by a
        :class:`RouteWorker` process set up with it (see hub.routing.worker)."""
        self.spec = spec
        self.name = spec.name
        self.pipeline = pipeline
        self.sink = sink
        self.conn = conn
        self.decoder = decoder
        self.topics = sorted({s.topic(prefix) for s in pipeline.schemas})
        self.dlq_topic = deadletter_topic(prefix, spec.name)
        self.group = group_id(prefix, spec.name)
        self.metrics = metrics
        self.stopping = stopping
        self.sink_context = sink_context or SinkContext(spec.name, stopping)
        self.policy = RetryPolicy(
            initial=spec.retry.initial, max=spec.retry.max, jitter=spec.retry.jitter
        )
        self.max_poll_records = max_poll_records
        self.failed: BaseException | None = None
        self.consumer: KafkaConsumer | None = None
        self.producer: KafkaProducer | None = None
        self._sends = TransactionSends()  # the open transaction's (Kafka sink)
        self._work = work if isinstance(sink, KafkaSink) else None
        self._worker: RouteWorker | None = None
        self._ahead: Ahead | None = None  # a batch read ahead, its outcomes under way
        self.rebalances = 0  # partitions revoked or assigned, counted by the listener
        self._processing: Processing | None = None  # a Kafka sink's, in this process
        self._done: dict[TopicPartition, int] = {}
        self._committed: dict[TopicPartition, int] = {}
        self.sink_label = type(sink).__name__
        self._executor: ThreadPoolExecutor | None = None
        # the route's own series, looked up once rather than per record
        self._consumed = metrics.consumed.labels(self.name)
        self._filtered = metrics.filtered.labels(self.name)
        self._delivered = metrics.delivered.labels(self.name, self.sink_label)
        self._end_to_end = metrics.end_to_end.labels(self.name)
        self._last_delivery = metrics.last_delivery.labels(self.name)
        self._errors = metrics.errors

    # -- lifecycle ---------------------------------------------------------------------
    def run(self) -> None:
        self.metrics.up.labels(self.name).set(1)
        try:
            self._open()
            while not self.stopping.is_set():
                self._step()
        except Exception as exc:
            self.failed = exc
            log.exception("route %s stopped: %s", self.name, exc)
        finally:
            self.metrics.up.labels(self.name).set(0)
            self._close()

    def _open(self) -> None:
        self.sink.open(self.sink_context)
        if isinstance(self.sink, KafkaSink):
            self._processing = Processing(self.decoder, self.pipeline, self.sink)
        self.producer = self._new_producer()
        self.consumer = KafkaConsumer(
            **self.conn.client_config(),
            group_id=self.group,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            max_poll_records=self.max_poll_records,
            max_poll_interval_ms=15 * 60 * 1000,
        )
        self.consumer.subscribe(self.topics, listener=_CommitOnRevoke(self))

    def _replace_producer(self) -> None:
        old, self.producer = self.producer, None
        if old is not None:
            try:
                old.close(timeout=5)
            except KafkaError as exc:
                log.debug("route %s: closing a failed producer: %s", self.name, exc)
        self.producer = self._new_producer()

    def _new_producer(self) -> KafkaProducer:
        """Plain (dead letters) or, for a Kafka sink, transactional with a fresh id: the
        consumer group's generation fences a stale process (KIP-447), not the id."""
        if not isinstance(self.sink, KafkaSink):
            return KafkaProducer(**self.conn.client_config(), acks="all", linger_ms=5)
        return transactional_producer(self.conn.client_config(), f"{self.group}.{uuid.uuid4().hex}")

    def _close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._drop_worker()
        try:
            if self.consumer is not None and not isinstance(self.sink, KafkaSink):
                self.commit()
        except KafkaError as exc:
            log.warning("route %s: final commit failed: %s", self.name, exc)
        for closer in (
            self.consumer.close if self.consumer else None,
            self.producer.close if self.producer else None,
            getattr(self.sink, "close", None),
        ):
            if closer is not None:
                try:
                    closer()
                except Exception as exc:
                    log.warning("route %s: closing: %s", self.name, exc)

    # -- one poll ----------------------------------------------------------------------
    def _step(self) -> None:
        assert self.consumer is not None
        ahead, self._ahead = self._ahead, None
        polled = ahead.polled if ahead is not None else self.consumer.poll(timeout_ms=500)
        if polled:
            try:
                if isinstance(self.sink, KafkaSink):
                    self._transact(polled, ahead.outcomes if ahead is not None else None)
                else:
                    self._deliver_all(polled)
                    self.commit()
            except KafkaError as exc:
                log.warning("route %s: Kafka failed, rewinding: %s", self.name, exc)
                self._errors.labels(self.name, f"kafka:{type(exc).__name__}").inc()
                self._rewind()
                if isinstance(self.sink, KafkaSink):  # a failed transaction may leave the
                    self._replace_producer()  # producer in an error state for good
                self.stopping.wait(1.0)
            except _Rebalanced:  # the transaction was aborted: what is ours is read again
                log.info("route %s: partitions moved while reading ahead, rewinding", self.name)
                self._errors.labels(self.name, "rebalance").inc()
                self._rewind()
            except WorkerGone as exc:  # the transaction was aborted: read the batch again
                log.warning("route %s: %s; starting it again, rewinding", self.name, exc)
                self._errors.labels(self.name, "worker").inc()
                self._drop_worker()
                self._rewind()
        self._update_lag()

    def _deliver_all(self, polled: Mapping[TopicPartition, list[Any]]) -> None:
        """Partitions in parallel (up to ``spec.parallelism``), each partition in order."""
        parts = list(polled.items())
        if len(parts) == 1 or self.spec.parallelism == 1:
            outcomes = [self._deliver_partition(records) for _, records in parts]
        else:
            outcomes = list(self._pool().map(lambda item: self._deliver_partition(item[1]), parts))
        stopped = False
        for (tp, _), (done, complete) in zip(parts, outcomes, strict=True):
            if done is not None:
                self._done[tp] = done
            stopped |= not complete
        if stopped:
            self._rewind()  # stopping mid-retry: the unfinished records stay uncommitted

    def _deliver_partition(self, records: list[Any]) -> tuple[int | None, bool]:
        """The offset after the last record handled, and whether all were handled."""
        done = None
        for record in records:
            if not self._handle(record):
                return done, False
            done = record.offset + 1
        return done, True

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                self.spec.parallelism, thread_name_prefix=f"route-{self.name}"
            )
        return self._executor

    def _handle(self, record: Any) -> bool:
        """Deliver, leave out, or dead-letter one record; False when stopped before that."""
        self._consumed.inc()
        now = dt.datetime.now(dt.UTC)
        try:
            event = self.decoder.decode_record(record)
        except EventError as exc:
            self._dead_letter(record, Failure(type(exc).__name__, str(exc), 0, now, now))
            return True
        delivery = self.pipeline.process(event)
        if delivery is None:
            self._filtered.inc()
            return True
        assert isinstance(self.sink, Sink)
        sink = self.sink
        failures: list[tuple[BaseException, dt.datetime]] = []

        def failed(exc: BaseException) -> None:
            failures.append((exc, dt.datetime.now(dt.UTC)))
            self.metrics.retried.labels(self.name).inc()
            log.info("route %s: delivery of %s failed, retrying: %s", self.name, event.id, exc)

        started = time.perf_counter()
        try:
            for attempt in retrying(
                self.policy,
                self.stopping,
                retry_on=retry_if_not_exception_type((PermanentError, FatalError)),
                on_failure=failed,
                max_attempts=self.spec.retry.max_attempts,
            ):
                with attempt:
                    sink.deliver(delivery)
        except FatalError:
            raise  # the route cannot work (bad credentials, missing table): stop it
        except Exception as exc:
            if self.stopping.is_set() and not isinstance(exc, PermanentError):
                return False
            last = dt.datetime.now(dt.UTC)
            first = failures[0][1] if failures else last
            attempts = len(failures) + 1
            self._dead_letter(record, Failure(type(exc).__name__, str(exc), attempts, first, last))
            return True
        finished = dt.datetime.now(dt.UTC)
        self._delivered.inc()
        self.metrics.delivery_duration.labels(self.name).observe(time.perf_counter() - started)
        self._end_to_end.observe(max(0.0, (finished - event.time).total_seconds()))
        self._last_delivery.set_to_current_time()
        return True

    def _dead_letter(self, record: Any, failure: Failure) -> None:
        assert self.producer is not None
        future = self.producer.send(
            self.dlq_topic,
            key=record.key,
            value=record.value,
            headers=deadletter_headers(self.name, record, failure),
        )
        if isinstance(self.sink, KafkaSink):
            self._sends.watch(future)  # part of the transaction
        else:
            future.get(timeout=30)  # durable before the offset is committed
        self.metrics.dead_letters.labels(self.name, failure.error_class).inc()
        log.warning(
            "route %s: dead letter %s/%s@%s: %s: %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            failure.error_class,
            failure.message,
        )

    # -- exactly once into Kafka -------------------------------------------------------
    def _transact(
        self,
        polled: Mapping[TopicPartition, list[Any]],
        outcomes: Iterator[Outcome] | None = None,
    ) -> None:
        """Publish what ``polled`` comes to (``outcomes``, when already under way) and
        commit its offsets, in one transaction."""
        assert self.producer is not None
        assert self.consumer is not None
        producer = self.producer
        records = [record for batch in polled.values() for record in batch]
        times: list[float] = []  # each published event's time (Unix seconds)
        filtered = 0
        self._sends = sends = TransactionSends()
        send, watch = producer.send, sends.watch
        offsets = {
            tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in polled.items()
        }
        producer.begin_transaction()
        read = False  # every outcome taken (a worker is then ready for the next batch)
        try:
            if outcomes is None:
                outcomes = self._outcomes(records)
            # The consumed offsets go first: their two round trips (AddOffsetsToTxn,
            # TxnOffsetCommit) overlap the worker making the outcomes, and the records,
            # sent last, go out at once with the commit instead of lingering behind them.
            producer.send_offsets_to_transaction(offsets, self.consumer.group_metadata())
            for record, outcome in zip(records, outcomes, strict=True):
                if outcome is FILTERED:
                    filtered += 1
                elif type(outcome[0]) is list:
                    out, moment = outcome
                    for rec in out:
                        watch(send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers))
                    times.append(moment)
                else:  # the record cannot be decoded, or the sink refused it for good
                    now = dt.datetime.now(dt.UTC)
                    error_class, message = cast(Refused, outcome)
                    self._dead_letter(record, Failure(error_class, message, 1, now, now))
            read = True
            if self._worker is not None and len(records) >= self.max_poll_records:
                self._read_ahead()  # a backlog: the worker makes the next batch meanwhile
            producer.commit_transaction()
            sends.check()
        except (KafkaError, WorkerGone, _Rebalanced):
            self._drop_ahead()
            if not read:  # the worker was left in the middle of this batch
                self._drop_worker()
            try:
                producer.abort_transaction()
            except KafkaError as exc:
                log.warning("route %s: abort failed: %s", self.name, exc)
            raise
        committed = time.time()
        for tp, offset in offsets.items():
            self._committed[tp] = offset.offset
        # counted per transaction: what the metrics say is then what Kafka holds
        self._consumed.inc(len(records))
        if filtered:
            self._filtered.inc(filtered)
        if times:
            self._delivered.inc(len(times))
            observe = self._end_to_end.observe
            for moment in times:
                observe(max(0.0, committed - moment))
            self._last_delivery.set(committed)

    def _outcomes(self, records: list[Any]) -> Iterator[Outcome]:
        """What each record comes to (hub.routing.processing), made here or by the worker,
        which starts on them at once."""
        if self._work is None:
            assert self._processing is not None
            outcome = self._processing.outcome
            return (outcome(r.key, r.value, r.headers) for r in records)
        if self._worker is not None and not self._worker.alive:  # it ended between batches
            log.warning("route %s: its worker process ended; starting it again", self.name)
            self._errors.labels(self.name, "worker").inc()
            self._drop_worker()
        if self._worker is None:
            self._worker = RouteWorker(self._work)
        return self._worker.outcomes([(r.key, r.value, r.headers) for r in records])

    def _read_ahead(self) -> None:
        """Poll the next batch before this transaction commits and hand it to the worker.

        Polling may move partitions (a rebalance runs inside ``poll``); the open
        transaction must then not commit offsets for them: it is aborted, and what the
        process still owns is read again from the committed offsets.
        """
        assert self.consumer is not None
        rebalances = self.rebalances
        polled = self.consumer.poll(timeout_ms=0)
        if self.rebalances != rebalances:
            raise _Rebalanced()
        if polled:
            records = [record for batch in polled.values() for record in batch]
            self._ahead = Ahead(polled, self._outcomes(records))

    def _drop_ahead(self) -> None:
        """Forget a batch read ahead (the rewind reads it again); its worker, stopped in
        the middle of it, is started anew for the next batch."""
        if self._ahead is not None:
            self._ahead = None
            self._drop_worker()

    def _drop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()

    # -- offsets -----------------------------------------------------------------------
    def commit(self, only: set[TopicPartition] | None = None) -> None:
        """Commit the offsets of what was handled (all partitions, or ``only`` these)."""
        if self.consumer is None or isinstance(self.sink, KafkaSink):
            return
        pending = {
            tp: OffsetAndMetadata(offset, "", -1)
            for tp, offset in self._done.items()
            if (only is None or tp in only) and self._committed.get(tp) != offset
        }
        if not pending:
            return
        self.consumer.commit(offsets=pending)
        for tp, meta in pending.items():
            self._committed[tp] = meta.offset

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Drop what this process knew of partitions it no longer reads (a rebalance gave
        them to another): the offsets it handled and committed, which the other process
        moves on (a later rewind asks Kafka instead), and their lag series, which would
        otherwise keep their last value."""
        for tp in partitions:
            self._done.pop(tp, None)
            self._committed.pop(tp, None)
            with suppress(KeyError):  # never measured here
                self.metrics.lag.remove(self.name, tp.topic, str(tp.partition))

    def _rewind(self) -> None:
        """Seek every assigned partition back to what was last handled and committed."""
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            offset = self._done.get(tp) if not isinstance(self.sink, KafkaSink) else None
            if offset is None:
                offset = self._committed.get(tp)
            if offset is None:
                committed = self.consumer.committed(tp)
                offset = committed if committed is not None else None
            if offset is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, offset)

    def _update_lag(self) -> None:
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            high = self.consumer.highwater(tp)
            if high is None:
                continue
            try:
                position = self.consumer.position(tp)
            except KafkaError:
                continue
            self.metrics.lag.labels(self.name, tp.topic, str(tp.partition)).set(
                max(0, high - position)
            )
