"""Kafka-sink routes against the real broker, their work done in the route's process or in
its worker process: derived events exactly once, the filter, dead letters inside the
transaction, reading ahead through a backlog, and a worker killed mid-stream."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaTimeoutError

from connectors.kafka_sink.sink import derived_id
from hub.events import Catalog, Decoder
from hub.routing.runner import group_id
from hub.runtime.reading import read_committed
from hub.runtime.topics import deadletter_topic
from tests.factories import case_opened
from tests.kafka_env import KafkaUnderTest
from tests.routing.helpers import hub_yaml, publish, running, wait_for

pytestmark = pytest.mark.integration


def _route(prefix: str, in_worker: bool) -> str:
    return (
        "  - name: status\n"
        "    from: {domains: [registry], types: [CaseOpened]}\n"
        "    filter: 'data.secrecy == \"PUBLIC\"'\n"
        "    transform:\n"
        "      caseNumber: data.caseNumber\n"
        "      municipality.code: data.municipality.code\n"
        "      municipality.organisationNumber: data.municipality.organisationNumber\n"
        "      changedAt: data.openedAt\n"
        "      status: {const: OPEN}\n"
        '      reason: {template: "{data.caseType}: {data.title}"}\n'
        f"    sink: {{type: kafka, config: {{topic: {prefix}.status, event: CaseStatusChanged}}}}\n"
        f"    process_in_worker: {'true' if in_worker else 'false'}\n"
    )


def _route_workers() -> list[int]:
    """This process's route worker processes."""
    found = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as kids:
            for pid in kids.read().split():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                        if b"hub.routing.worker" in cmdline.read():
                            found.append(int(pid))
                except OSError:
                    continue
    return found


def _committed_offsets(kafka: KafkaUnderTest, group: str, topic: str) -> int:
    consumer = KafkaConsumer(**kafka.config(group_id=group, enable_auto_commit=False))
    try:
        return sum(consumer.committed(TopicPartition(topic, p)) or 0 for p in range(3))
    finally:
        consumer.close()


@pytest.mark.parametrize("in_worker", [True, False], ids=["in-worker", "in-process"])
def test_derived_events_filter_and_dead_letters_exactly_once(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str, in_worker: bool
) -> None:
    prefix = f"w{unique[-8:]}"
    events = [case_opened(i, key_space=40) for i in range(600)]
    for event in events[::10]:  # 60 the filter leaves out
        event.data["secrecy"] = "SECRET"  # type: ignore[index]  # the factory's own dict
    publish(kafka, catalog, prefix, events)
    source = catalog.get("CaseOpened").topic(prefix)
    garbage = KafkaProducer(**kafka.config(acks="all"))
    for number in range(5):  # 5 that cannot be decoded
        garbage.send(source, key=b"KS 2026/00001", value=b"\xc3\x01not avro %d" % number)
    garbage.flush()
    garbage.close()
    config = hub_yaml(tmp_path, kafka, prefix, _route(prefix, in_worker))
    with running(config, kafka, catalog) as runtime:
        wait_for(
            lambda: len(read_committed(kafka.connection, [f"{prefix}.status"])) >= 540,
            120,
            "the derived events",
        )
        letters = deadletter_topic(prefix, "status")
        wait_for(lambda: len(read_committed(kafka.connection, [letters])) >= 5, 60, "dead letters")
        wait_for(
            lambda: (
                runtime.registry.get_sample_value("hub_route_consumed_total", {"route": "status"})
                == 605.0
            ),
            60,
            "every record counted",
        )
        metrics = runtime.registry
        assert bool(_route_workers()) is in_worker
    decoder = Decoder(catalog)
    derived = [
        decoder.decode_record(r) for r in read_committed(kafka.connection, [f"{prefix}.status"])
    ]
    public = [e for e in events if e.data["secrecy"] == "PUBLIC"]
    assert sorted(e.id for e in derived) == sorted(derived_id("status", e.id) for e in public)
    assert {e.type for e in derived} == {catalog.get("CaseStatusChanged").type}
    by_case = Counter(e.data["caseNumber"] for e in derived)
    assert by_case == Counter(e.data["caseNumber"] for e in public)
    dead = read_committed(kafka.connection, [deadletter_topic(prefix, "status")])
    assert sorted(r.value for r in dead) == [b"\xc3\x01not avro %d" % n for n in range(5)]
    assert metrics.get_sample_value("hub_route_filtered_out_total", {"route": "status"}) == 60.0
    delivered = {"route": "status", "sink": "TopicSink"}
    assert metrics.get_sample_value("hub_route_delivered_total", delivered) == 540.0
    assert _committed_offsets(kafka, group_id(prefix, "status"), source) == 605


def test_a_worker_killed_mid_stream_is_started_again_and_nothing_is_lost_or_doubled(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"x{unique[-8:]}"
    total = 20_000
    events = [case_opened(i, key_space=40) for i in range(total)]
    publish(kafka, catalog, prefix, events)
    config = hub_yaml(tmp_path, kafka, prefix, _route(prefix, True))
    out = f"{prefix}.status"
    killed: list[int] = []
    with running(config, kafka, catalog) as runtime:

        def consumed() -> float:
            labels = {"route": "status"}
            return runtime.registry.get_sample_value("hub_route_consumed_total", labels) or 0.0

        wait_for(lambda: consumed() >= 1_000, 120, "a start")
        for pid in _route_workers():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        assert killed, "no route worker to kill"
        assert consumed() < total, "killed too late to prove anything"
        wait_for(lambda: consumed() >= total, 240, "the rest")
        time.sleep(1.0)  # anything doubled would have come by now
        assert all(w.healthy() for w in runtime.workers)
        assert set(_route_workers()).isdisjoint(killed)  # a new worker took over
        gone = runtime.registry.get_sample_value(
            "hub_route_errors_total", {"route": "status", "reason": "worker"}
        )
        assert gone is not None
        assert gone >= 1
    decoder = Decoder(catalog)
    derived = Counter(decoder.decode_record(r).id for r in read_committed(kafka.connection, [out]))
    assert derived == Counter(derived_id("status", e.id) for e in events)


def test_a_second_process_joining_mid_backlog_loses_and_doubles_nothing(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    """Partitions move while both processes read ahead through a backlog: each derived
    event still comes out exactly once."""
    prefix = f"j{unique[-8:]}"
    events = [case_opened(i, key_space=60) for i in range(6_000)]
    publish(kafka, catalog, prefix, events)
    config = hub_yaml(tmp_path, kafka, prefix, _route(prefix, True))
    out = f"{prefix}.status"
    with running(config, kafka, catalog) as first:
        wait_for(lambda: len(read_committed(kafka.connection, [out])) >= 400, 120, "a start")
        with running(config, kafka, catalog) as second:
            wait_for(lambda: len(read_committed(kafka.connection, [out])) >= 6_000, 240, "all")
            time.sleep(1.0)  # anything doubled would have come by now
            assert all(w.healthy() for w in first.workers + second.workers)
    decoder = Decoder(catalog)
    derived = Counter(decoder.decode_record(r).id for r in read_committed(kafka.connection, [out]))
    assert derived == Counter(derived_id("status", e.id) for e in events)


def test_a_transaction_failing_before_the_outcomes_are_read_starts_a_fresh_worker(
    kafka: KafkaUnderTest,
    catalog: Catalog,
    tmp_path: Path,
    unique: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The consumed offsets go to the transaction while the worker makes the batch. If
    that step fails, the batch is read again by a fresh worker: every derived event comes
    out once, and the failure is counted as Kafka's, not as the worker's."""
    prefix = f"f{unique[-8:]}"
    events = [case_opened(i, key_space=20) for i in range(300)]
    publish(kafka, catalog, prefix, events)
    failures: list[int] = []
    send_offsets = KafkaProducer.send_offsets_to_transaction

    def failing_once(producer: KafkaProducer, *args: object, **kwargs: object) -> None:
        if not failures:
            failures.append(1)
            raise KafkaTimeoutError("the transaction coordinator did not answer")
        send_offsets(producer, *args, **kwargs)

    monkeypatch.setattr(KafkaProducer, "send_offsets_to_transaction", failing_once)
    config = hub_yaml(tmp_path, kafka, prefix, _route(prefix, True))
    out = f"{prefix}.status"
    with running(config, kafka, catalog) as runtime:
        wait_for(lambda: len(read_committed(kafka.connection, [out])) >= 300, 120, "all")
        time.sleep(1.0)  # anything doubled would have come by now

        def errors(reason: str) -> float | None:
            labels = {"route": "status", "reason": reason}
            return runtime.registry.get_sample_value("hub_route_errors_total", labels)

        assert failures == [1]
        assert errors("kafka:KafkaTimeoutError") == 1.0
        assert errors("worker") is None
        assert len(_route_workers()) == 1
    decoder = Decoder(catalog)
    derived = Counter(decoder.decode_record(r).id for r in read_committed(kafka.connection, [out]))
    assert derived == Counter(derived_id("status", e.id) for e in events)
