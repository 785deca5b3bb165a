"""A Kafka-sink route against the real broker: derived events exactly once, the filter, and
dead letters inside the transaction."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from connectors.kafka_sink.sink import derived_id
from hub.events import Catalog, Decoder
from hub.routing.runner import group_id
from hub.runtime.reading import read_committed
from hub.runtime.topics import deadletter_topic
from tests.factories import case_opened
from tests.kafka_env import KafkaUnderTest
from tests.routing.helpers import hub_yaml, publish, running, wait_for

pytestmark = pytest.mark.integration


def _route(prefix: str) -> str:
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
    )


def _committed_offsets(kafka: KafkaUnderTest, group: str, topic: str) -> int:
    consumer = KafkaConsumer(**kafka.config(group_id=group, enable_auto_commit=False))
    try:
        return sum(consumer.committed(TopicPartition(topic, p)) or 0 for p in range(3))
    finally:
        consumer.close()


def test_derived_events_filter_and_dead_letters_exactly_once(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
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
    config = hub_yaml(tmp_path, kafka, prefix, _route(prefix))
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
