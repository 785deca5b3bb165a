"""Reading a route's dead letters, and sending them through the route again.

Replay is idempotent: targets drop duplicates by event id, and every successful replay
is noted (key = event id) in ``<dead-letter topic>.replayed`` so ``hub dlq list`` can
show what was sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer
from tenacity import retry_if_not_exception_type

from hub.connection import KafkaConnection
from hub.events import Decoder, EventError
from hub.routing.deadletter import failure_info
from hub.routing.pipeline import Pipeline
from hub.routing.types import KafkaSink, PermanentError, Sink, SinkContext
from hub.runtime.reading import read_committed
from hub.runtime.retry import RetryPolicy, retrying


def replay_topic(dlq_topic: str) -> str:
    return f"{dlq_topic}.replayed"


@dataclass(frozen=True)
class DeadLetterView:
    offset: int
    record: Any
    info: dict[str, str]
    event_id: str | None
    event_type: str | None
    subject: str | None
    replayed: bool = False


def _header(record: Any, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def read_dead_letters(conn: KafkaConnection, dlq_topic: str) -> list[DeadLetterView]:
    """Every dead letter of the topic, oldest first, marked when replayed since."""
    replayed = {
        bytes(r.key).decode()
        for r in read_committed(conn, [replay_topic(dlq_topic)])
        if r.key is not None
    }
    out = []
    for record in sorted(read_committed(conn, [dlq_topic]), key=lambda r: (r.timestamp, r.offset)):
        event_id = _header(record, "ce_id")
        out.append(
            DeadLetterView(
                offset=record.offset,
                record=record,
                info=dict(failure_info(record.headers or [])),
                event_id=event_id,
                event_type=_header(record, "ce_type"),
                subject=_header(record, "ce_subject"),
                replayed=event_id in replayed,
            )
        )
    return out


@dataclass(frozen=True)
class ReplayResult:
    event_id: str
    delivered: bool
    detail: str


def replay(
    letters: Iterable[DeadLetterView],
    *,
    pipeline: Pipeline,
    sink: Sink | KafkaSink,
    context: SinkContext,
    decoder: Decoder,
    conn: KafkaConnection,
    dlq_topic: str,
    policy: RetryPolicy,
    max_attempts: int,
) -> list[ReplayResult]:
    """Send each dead letter through the route again; note the ones delivered."""
    results: list[ReplayResult] = []
    sink.open(context)
    producer = KafkaProducer(**conn.client_config(), acks="all")
    try:
        for letter in letters:
            results.append(
                _one(letter, pipeline, sink, decoder, producer, policy, max_attempts, context)
            )
        done = [r for r in results if r.delivered]
        for result in done:
            producer.send(
                replay_topic(dlq_topic),
                key=result.event_id.encode(),
                value=dt.datetime.now(dt.UTC).isoformat().encode(),
            )
        producer.flush()
    finally:
        producer.close()
        if isinstance(sink, Sink):
            sink.close()
    return results


def _one(
    letter: DeadLetterView,
    pipeline: Pipeline,
    sink: Sink | KafkaSink,
    decoder: Decoder,
    producer: KafkaProducer,
    policy: RetryPolicy,
    max_attempts: int,
    context: SinkContext,
) -> ReplayResult:
    label = letter.event_id or f"offset {letter.offset}"
    try:
        event = decoder.decode_record(letter.record)
    except EventError as exc:
        return ReplayResult(label, False, f"cannot be decoded: {exc}")
    delivery = pipeline.process(event)
    if delivery is None:
        return ReplayResult(event.id, False, "the route's filter now leaves it out")
    if isinstance(sink, KafkaSink):
        records = sink.records(delivery)
        for rec in records:
            producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers).get(30)
        return ReplayResult(event.id, True, f"published {len(records)} record(s)")
    try:
        for attempt in retrying(
            policy,
            context.stopping,
            retry_on=retry_if_not_exception_type(PermanentError),
            on_failure=lambda exc: None,
            max_attempts=max_attempts,
        ):
            with attempt:
                sink.deliver(delivery)
    except Exception as exc:
        return ReplayResult(event.id, False, f"{type(exc).__name__}: {exc}")
    return ReplayResult(event.id, True, "delivered")


def select(letters: Sequence[DeadLetterView], event_ids: Sequence[str]) -> list[DeadLetterView]:
    """The letters to replay: the given event ids, or every one not replayed yet."""
    if event_ids:
        wanted = set(event_ids)
        return [letter for letter in letters if letter.event_id in wanted]
    return [letter for letter in letters if not letter.replayed]
