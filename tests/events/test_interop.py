"""A record the hub produces onto the real broker, read back by a reader that knows only
docs/wire-format.md, kafka-python and fastavro: none of the hub's decoding code."""

from __future__ import annotations

import datetime as dt
import json
import struct
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastavro import parse_schema, schemaless_reader
from fastavro.schema import fingerprint, to_parsing_canonical_form
from kafka import KafkaConsumer, KafkaProducer

from hub.events import Catalog, Encoder, Event, source_uri
from tests.events.conftest import CATALOG
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

PARTY = {
    "role": "APPLICANT",
    "name": "Testperson Testsson",
    "identityNumber": "198112189876",
    "email": None,
    "address": {
        "street": "Storgatan 1",
        "postalCode": "903 26",
        "city": "Umeå",
        "countryCode": "SE",
    },
}
MUNICIPALITY = {"code": "2480", "organisationNumber": "212000-2627"}


def independent_catalog(root: Path) -> dict[int, tuple[str, dict[str, Any]]]:
    """Writer schemas by fingerprint, as wire-format.md says: every schemas/**/v*.avsc."""
    found = {}
    for path in sorted(root.glob("*/*/v*.avsc")):
        schema = json.loads(path.read_text("utf-8"))
        wire = bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))
        found[struct.unpack("<Q", wire)[0]] = (str(path.relative_to(root)), schema)
    return found


def read_event(
    value: bytes, headers: list[tuple[str, bytes]], schemas: dict[int, Any], reader: Any = None
) -> tuple[dict[str, str], Any]:
    attributes = {name: raw.decode("utf-8") for name, raw in headers}
    assert attributes["ce_specversion"] == "1.0"
    assert attributes["content-type"] == "application/avro"
    assert value[:2] == b"\xc3\x01"
    (writer_fingerprint,) = struct.unpack("<Q", value[2:10])
    path, writer = schemas[writer_fingerprint]
    body = BytesIO(value[10:])
    data = schemaless_reader(body, parse_schema(writer), parse_schema(reader) if reader else None)
    assert body.tell() == len(value) - 10
    record_name = f"{writer['namespace']}.{writer['name']}"
    assert attributes["ce_type"].rsplit(".", 1)[0] == record_name
    assert attributes["ce_dataschema"].endswith(path)
    return attributes, data


def test_a_hub_record_reads_with_fastavro_and_the_documented_rules(
    kafka: KafkaUnderTest, unique: str
) -> None:
    catalog = Catalog.load(CATALOG)
    encoder = Encoder(catalog, topic_prefix=unique)
    opened_at = dt.datetime(2026, 3, 2, 8, 15, 30, 250000, tzinfo=dt.UTC)
    opened = Event(
        type="se.kommun.hub.registry.CaseOpened.v1",
        source=source_uri("2480", "diarium"),
        data={
            "caseNumber": "BN 2026/00042",
            "municipality": MUNICIPALITY,
            "openedAt": opened_at,
            "receivedOn": dt.date(2026, 3, 1),
            "registry": "BN",
            "caseType": "BYGGLOV",
            "title": "Ansökan om bygglov för nybyggnad av enbostadshus",
            "classificationCode": "4.2.1",
            "secrecy": "PUBLIC",
            "responsibleUnit": "Bygglov",
            "caseOfficer": None,
            "parties": [PARTY],
        },
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    granted = Event(
        type="se.kommun.hub.permit.PermitGranted.v1",
        source=source_uri("2480", "bygglov"),
        data={
            "caseNumber": "BN 2026/00042",
            "municipality": MUNICIPALITY,
            "decidedOn": dt.date(2026, 4, 20),
            "permitType": "TIME_LIMITED_BUILDING_PERMIT",
            "decisionReference": "BN § 77/2026",
            "decidedBy": "COMMITTEE",
            "propertyDesignation": "UMEÅ STADEN 11:5",
            "measure": "Tillfällig paviljong",
            "fee": {"amountOre": 1_450_000, "currency": "SEK"},
            "publishedOn": None,
            "technicalConsultationRequired": False,
            "validUntil": dt.date(2031, 4, 20),
            "conditions": ["Paviljongen ska vara bortforslad senast 2031-04-20."],
            "feeReductionFifths": 0,
        },
    )
    records = [encoder.encode(opened), encoder.encode(granted)]
    for record in records:
        kafka.create_topic(record.topic, partitions=3)
    producer = KafkaProducer(**kafka.config(acks="all"))
    for record in records:
        producer.send(record.topic, key=record.key, value=record.value, headers=record.headers)
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(
        *{r.topic for r in records},
        **kafka.config(group_id=unique, auto_offset_reset="earliest", consumer_timeout_ms=15000),
    )
    consumed = []
    try:
        for message in consumer:
            consumed.append(message)
            if len(consumed) == len(records):
                break
    finally:
        consumer.close()
    assert len(consumed) == 2
    by_topic = {message.topic: message for message in consumed}

    schemas = independent_catalog(CATALOG)
    message = by_topic[f"{unique}.registry"]
    attributes, data = read_event(message.value, message.headers, schemas)
    assert message.key == b"BN 2026/00042"
    assert attributes["ce_type"] == "se.kommun.hub.registry.CaseOpened.v1"
    assert attributes["ce_id"] == opened.id
    assert attributes["ce_source"] == "/kommun/2480/diarium"
    assert attributes["ce_subject"] == "BN 2026/00042"
    assert attributes["traceparent"] == opened.traceparent
    assert dt.datetime.fromisoformat(attributes["ce_time"]) == opened.time
    assert data == opened.data

    message = by_topic[f"{unique}.permit"]
    attributes, data = read_event(message.value, message.headers, schemas)
    assert attributes["ce_dataschema"].endswith("permit/PermitGranted/v2.avsc")
    assert data == granted.data

    # a consumer built for v1 resolves the v2 data to its own version
    v1 = json.loads((CATALOG / "permit" / "PermitGranted" / "v1.avsc").read_text("utf-8"))
    _, old = read_event(message.value, message.headers, schemas, reader=v1)
    assert old["permitType"] == "OTHER"
    assert "validUntil" not in old
    assert old["fee"] == {"amountOre": 1_450_000, "currency": "SEK"}
