"""The source runner against the real broker: transactions, positions, fencing, retries."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from prometheus_client import CollectorRegistry

from hub.events import Catalog, Encoder, Event
from hub.runtime.metrics import SourceMetrics
from hub.runtime.positions import load_position, positions_topic_spec
from hub.runtime.retry import RetryPolicy
from hub.runtime.source_runner import Fenced, SourceRunner
from hub.runtime.topics import TopicSpec, ensure_topics, event_topics, positions_topic
from hub.sdk import Batch, BatchRejected, DeadLetter, Position, Source, TransientError
from hub.testing import read_committed, run_source
from tests.factories import case_opened
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration


class Counter(Source):
    """Emits ``per_batch`` numbered CaseOpened events per poll, forever (or up to ``limit``)."""

    poll_interval = 0.05

    def __init__(self, per_batch: int = 10, limit: int | None = None) -> None:
        self.per_batch = per_batch
        self.limit = limit
        self.committed: list[int] = []

    def poll(self, position: Position | None) -> Batch | None:
        start = int((position or {}).get("next", 0))
        end = start + self.per_batch
        if self.limit is not None:
            end = min(end, self.limit)
        if start >= end:
            return None
        return Batch(
            events=[case_opened(i) for i in range(start, end)], position={"next": end}, token=end
        )

    def commit(self, batch: Batch) -> None:
        self.committed.append(batch.token)


class Flaky(Counter):
    """Fails its first ``failures`` polls as an unreachable external system would."""

    def __init__(self, failures: int, **kw: int) -> None:
        super().__init__(**kw)
        self.failures = failures

    def poll(self, position: Position | None) -> Batch | None:
        if self.failures > 0:
            self.failures -= 1
            raise TransientError("database unreachable")
        return super().poll(position)


def _sequence(events: Iterator[object] | list[object]) -> list[int]:
    """The events' numbers in order (events of different cases sit on different partitions)."""
    return sorted(int(e.data["title"].split()[1]) for e in events)  # type: ignore[attr-defined]


def test_batches_and_position_commit_together(kafka: KafkaUnderTest, catalog: Catalog) -> None:
    source = Counter(per_batch=7, limit=50)
    published = run_source(source, kafka=kafka.connection, catalog=catalog, name="counter")
    assert _sequence(published.events) == list(range(50))
    assert source.committed == [7, 14, 21, 28, 35, 42, 49, 50]
    position = load_position(
        kafka.connection, positions_topic(published.prefix), "counter", timeout=10
    )
    assert position == {"next": 50}
    # A second run resumes from the stored position and publishes nothing new.
    again = run_source(
        Counter(per_batch=7, limit=50),
        kafka=kafka.connection,
        catalog=catalog,
        name="counter",
        prefix=published.prefix,
    )
    assert _sequence(again.events) == list(range(50))


def test_transient_failures_are_retried_and_counted(
    kafka: KafkaUnderTest, catalog: Catalog
) -> None:
    published = run_source(
        Flaky(3, per_batch=5, limit=10), kafka=kafka.connection, catalog=catalog, name="flaky"
    )
    assert _sequence(published.events) == list(range(10))
    assert published.metrics is not None
    errors = published.metrics.get_sample_value(
        "hub_source_errors_total", {"connector": "flaky", "reason": "poll:transient"}
    )
    assert errors == 3.0


def _twin_topics(kafka: KafkaUnderTest, catalog: Catalog, unique: str) -> str:
    prefix = f"t{unique[-8:]}"
    ensure_topics(
        kafka.connection,
        [TopicSpec(t) for t in event_topics(catalog, prefix)]
        + [positions_topic_spec(positions_topic(prefix)), TopicSpec(f"{prefix}.deadletter.twin")],
    )
    return prefix


def _twin(
    kafka: KafkaUnderTest, catalog: Catalog, prefix: str, stopping: threading.Event, **kw: int
) -> SourceRunner:
    return SourceRunner(
        "twin",
        Counter(**kw),
        conn=kafka.connection,
        encoder=Encoder(catalog, topic_prefix=prefix),
        prefix=prefix,
        positions_topic=positions_topic(prefix),
        metrics=SourceMetrics.create(CollectorRegistry()),
        stopping=stopping,
        retry=RetryPolicy(initial=0.05, max=0.5, jitter=0.05),
    )


def test_two_instances_one_goes_on_without_gap_or_duplicate(
    kafka: KafkaUnderTest, catalog: Catalog, unique: str
) -> None:
    """A second copy fences the first. Which one goes on is a race: when the first's
    commit fails otherwise (the broker may answer it with an unknown error while the
    second starts), the first retries with a new producer and fences the second. Either
    way exactly one stops as fenced, and the events have neither gap nor duplicate."""
    prefix = _twin_topics(kafka, catalog, unique)
    stop_a, stop_b = threading.Event(), threading.Event()
    first = _twin(kafka, catalog, prefix, stop_a, per_batch=20)
    second = _twin(kafka, catalog, prefix, stop_b, per_batch=20)
    thread_a = threading.Thread(target=first.run, daemon=True)
    thread_a.start()
    _wait_for(lambda: len(first.source.committed) >= 2, "the first instance to publish")
    thread_b = threading.Thread(target=second.run, daemon=True)
    thread_b.start()
    _wait_for(lambda: not (thread_a.is_alive() and thread_b.is_alive()), "one to be fenced")
    if thread_a.is_alive():
        fenced, survivor, stop, thread = second, first, stop_a, thread_a
    else:
        fenced, survivor, stop, thread = first, second, stop_b, thread_b
    went_on = len(survivor.source.committed)
    _wait_for(lambda: len(survivor.source.committed) >= went_on + 2, "the survivor to go on")
    stop.set()
    thread.join(30)

    assert isinstance(fenced.failed, Fenced)
    assert survivor.failed is None
    sequence = _sequence(catalog_events(kafka, catalog, prefix))
    assert sequence == list(range(len(sequence))), "no gap and no duplicate across the takeover"
    assert len(sequence) > 40


def test_a_batch_made_stale_by_another_instance_is_dropped(
    kafka: KafkaUnderTest, catalog: Catalog, unique: str
) -> None:
    """Kafka fails this instance's transaction; meanwhile another instance publishes
    part of the same range. The retry reads the position behind its new fence, finds it moved on,
    drops the batch it holds and polls again from there."""
    prefix = _twin_topics(kafka, catalog, unique)
    stopping = threading.Event()
    runner = _twin(kafka, catalog, prefix, stopping, per_batch=5)
    runner._connect()
    batch = runner._poll()  # events 0-4, polled from no position
    other_stopping = threading.Event()
    other = _twin(kafka, catalog, prefix, other_stopping, per_batch=3, limit=3)
    thread = threading.Thread(target=other.run, daemon=True)
    thread.start()  # publishes 0-2 itself and fences the runner
    _wait_for(lambda: other.source.committed == [3], "the other instance to publish")
    other_stopping.set()
    thread.join(30)
    assert other.failed is None
    assert other.source.committed == [3]
    runner._reset()  # as after a failed transaction

    runner._deliver(batch)

    assert runner.position == {"next": 3}, "the retry took up the other's position"
    assert runner.source.committed == [], "a dropped batch is not acknowledged"
    stale = runner.metrics.errors.labels("twin", "publish:stale")._value.get()
    assert stale == 1.0
    assert _sequence(catalog_events(kafka, catalog, prefix)) == list(range(3))
    runner._deliver(runner._poll())  # polled again from the new position: 3-7
    runner._close()
    assert _sequence(catalog_events(kafka, catalog, prefix)) == list(range(8))


def test_a_commit_that_landed_despite_an_error_is_not_published_again(
    kafka: KafkaUnderTest, catalog: Catalog, unique: str
) -> None:
    prefix = _twin_topics(kafka, catalog, unique)
    runner = _twin(kafka, catalog, prefix, threading.Event(), per_batch=5)
    runner._connect()
    batch = runner._poll()
    published, _ = runner._transact(batch, None)  # commits 0-4
    runner._reset()  # the commit's answer lost: the retry must find it landed

    again, rejected = runner._transact(batch, None)

    runner._close()
    assert again == published
    assert sum(again.values()) == 5
    assert rejected == []
    assert _sequence(catalog_events(kafka, catalog, prefix)) == list(range(5))


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def catalog_events(kafka: KafkaUnderTest, catalog: Catalog, prefix: str) -> list[object]:
    from hub.events import Decoder

    decoder = Decoder(catalog)
    records = read_committed(kafka.connection, event_topics(catalog, prefix))
    events = [decoder.decode_record(r) for r in records]
    return sorted(events, key=lambda e: int(e.data["title"].split()[1]))


@dataclass(frozen=True)
class GivesUp:
    """``sent_before`` events, then ``BatchRejected`` (picklable, for the worker too)."""

    sent_before: int
    replacement: Batch

    def __iter__(self) -> Iterator[Event]:
        yield from (case_opened(i) for i in range(self.sent_before))
        raise BatchRejected(self.replacement, "bad at its end")


class Rejecting(Source):
    """One batch whose events give up part-way, replaced by a dead letter; then nothing."""

    poll_interval = 0.05

    def __init__(self, sent_before: int, in_worker: bool = False) -> None:
        self.sent_before = sent_before
        self.encode_in_worker = in_worker
        self.committed: list[object] = []

    def poll(self, position: Position | None) -> Batch | None:
        if position is not None:
            return None
        replacement = Batch(
            dead_letters=[DeadLetter("input:7", "bad at its end", b"raw", "BadInput")],
            position={"done": True},
            token="rejected",
        )
        events = GivesUp(self.sent_before, replacement)
        return Batch(events=events, position={"done": True}, token="whole")

    def commit(self, batch: Batch) -> None:
        self.committed.append(batch.token)


@pytest.mark.parametrize("in_worker", [False, True], ids=["here", "in-worker"])
def test_a_batch_rejected_part_way_is_aborted_and_replaced(
    kafka: KafkaUnderTest, catalog: Catalog, in_worker: bool
) -> None:
    source = Rejecting(sent_before=2000, in_worker=in_worker)
    published = run_source(source, kafka=kafka.connection, catalog=catalog, name="rejecting")
    assert published.events == []  # read_committed: the aborted transaction left nothing
    assert [(d.key, d.value, d.reason) for d in published.dead_letters] == [
        ("input:7", b"raw", "bad at its end")
    ]
    assert source.committed == ["rejected"]
    position = load_position(
        kafka.connection, positions_topic(published.prefix), "rejecting", timeout=10
    )
    assert position == {"done": True}
    assert published.metrics is not None
    assert (
        published.metrics.get_sample_value(
            "hub_source_dead_letters_total", {"connector": "rejecting", "reason": "BadInput"}
        )
        == 1.0
    )


class InWorker(Counter):
    encode_in_worker = True


def test_events_encoded_in_a_worker_commit_with_the_position(
    kafka: KafkaUnderTest, catalog: Catalog
) -> None:
    source = InWorker(per_batch=300, limit=1000)
    published = run_source(source, kafka=kafka.connection, catalog=catalog, name="worker")
    assert _sequence(published.events) == list(range(1000))
    assert source.committed == [300, 600, 900, 1000]
    position = load_position(
        kafka.connection, positions_topic(published.prefix), "worker", timeout=10
    )
    assert position == {"next": 1000}
    assert published.metrics is not None
    assert (
        published.metrics.get_sample_value(
            "hub_source_events_published_total",
            {"connector": "worker", "type": "se.kommun.hub.registry.CaseOpened.v1"},
        )
        == 1000.0
    )
