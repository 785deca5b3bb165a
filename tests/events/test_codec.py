"""Encoding events into Kafka records and back, for every event and schema version."""

from __future__ import annotations

import datetime as dt
import pickle
from collections import namedtuple
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.events import (
    Catalog,
    Decoder,
    Encoder,
    Event,
    EventSchema,
    InvalidEvent,
    MalformedHeader,
    SchemaMismatch,
    UnknownEventType,
    source_uri,
)
from tests.events.avro_data import data_for, events
from tests.events.conftest import CATALOG

SCHEMAS = list(Catalog.load(CATALOG))
SOURCE = source_uri("2480", "bygglov")
PERMIT_GRANTED = "se.kommun.hub.permit.PermitGranted.v1"
MUNICIPALITY = {"code": "2480", "organisationNumber": "212000-2627"}
hypothesis_settings = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def granted(version: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "caseNumber": "BN 2024-000123",
        "municipality": MUNICIPALITY,
        "decidedOn": dt.date(2026, 3, 2),
        "permitType": "BUILDING_PERMIT",
        "decisionReference": "BN § 123/2026",
        "decidedBy": "DELEGATE",
        "propertyDesignation": "UMEÅ STADEN 11:5",
        "measure": "Nybyggnad av enbostadshus",
        "fee": {"amountOre": 2_345_600, "currency": "SEK"},
        "publishedOn": None,
        "technicalConsultationRequired": True,
    }
    if version == 2:
        data |= {"validUntil": None, "conditions": [], "feeReductionFifths": 0}
    return data | changes


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.name}-v{s.version}")
@hypothesis_settings
@given(data=st.data())
def test_every_event_and_version_round_trips(
    schema: EventSchema, data: st.DataObject, catalog: Catalog, decoder: Decoder
) -> None:
    event = data.draw(events(schema))
    record = Encoder(catalog, validate=True).encode(event)  # and valid data passes validation
    assert record.topic == f"municipal.{schema.domain}"
    assert record.key == event.data[schema.key_field].encode()
    assert decoder.decode(record.key, record.value, record.headers) == event
    # headers in another order take the decoder's general path, to the same event
    assert decoder.decode(record.key, record.value, record.headers[::-1]) == event


def test_the_record_carries_the_cloudevents_headers(encoder: Encoder, catalog: Catalog) -> None:
    time = dt.datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    event = Event(
        type=PERMIT_GRANTED,
        source=SOURCE,
        data=granted(2),
        id="7d6c6b8e-3f0e-4b8e-9a55-2a9d2f0c9f11",
        time=time,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        extensions={"correlationid": "ES-2026-004711"},
    )
    record = encoder.encode(event)
    assert record.headers == [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"7d6c6b8e-3f0e-4b8e-9a55-2a9d2f0c9f11"),
        ("ce_source", b"/kommun/2480/bygglov"),
        ("ce_type", b"se.kommun.hub.permit.PermitGranted.v1"),
        ("ce_time", b"2026-03-02T08:30:00.123456Z"),
        ("ce_subject", b"BN 2024-000123"),
        ("ce_dataschema", b"urn:municipal-event-hub:schemas:permit/PermitGranted/v2.avsc"),
        ("content-type", b"application/avro"),
        ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ("ce_correlationid", b"ES-2026-004711"),
    ]
    v2 = catalog.get("PermitGranted", 2)
    assert record.value[:10] == b"\xc3\x01" + v2.fingerprint.to_bytes(8, "little")
    assert record.key == b"BN 2024-000123"


def test_new_events_get_an_id_and_a_time(encoder: Encoder, decoder: Decoder) -> None:
    event = Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2))
    decoded = decoder.decode(*encoder.encode(event)[1:])
    assert decoded.id == event.id
    assert len(event.id) == 36
    assert decoded.time == event.time
    assert decoded.subject == "BN 2024-000123"


def test_the_topic_prefix_is_the_callers(catalog: Catalog) -> None:
    event = Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2))
    assert Encoder(catalog, topic_prefix="umea.prod").encode(event).topic == "umea.prod.permit"
    with pytest.raises(ValueError, match="topic prefix"):
        Encoder(catalog, topic_prefix="no spaces")


def test_the_writer_is_the_latest_version_unless_pinned(
    encoder: Encoder, decoder: Decoder, catalog: Catalog
) -> None:
    v1 = catalog.get("PermitGranted", 1)
    latest = encoder.encode(Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2)))
    pinned = encoder.encode(
        Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(1), dataschema=v1.dataschema)
    )
    assert latest.value[2:10] == catalog.get("PermitGranted", 2).fingerprint.to_bytes(8, "little")
    assert pinned.value[2:10] == v1.fingerprint.to_bytes(8, "little")
    assert decoder.decode(pinned.key, pinned.value, pinned.headers).dataschema == v1.dataschema


# --- schema evolution on the wire -----------------------------------------------------------


@hypothesis_settings
@given(data=st.data())
def test_v1_data_reads_as_v2_with_the_new_fields_defaults(
    data: st.DataObject, catalog: Catalog, encoder: Encoder, decoder: Decoder
) -> None:
    v1, v2 = catalog.versions("PermitGranted")
    written = data.draw(data_for(v1))
    record = encoder.encode(
        Event(type=v1.type, source=SOURCE, data=written, dataschema=v1.dataschema)
    )
    event = decoder.decode(record.key, record.value, record.headers, reader_version=2)
    assert event.dataschema == v2.dataschema
    assert event.data == written | {"validUntil": None, "conditions": [], "feeReductionFifths": 0}


@hypothesis_settings
@given(data=st.data())
def test_v2_data_reads_as_v1_without_what_v1_does_not_know(
    data: st.DataObject, catalog: Catalog, encoder: Encoder
) -> None:
    v1, v2 = catalog.versions("PermitGranted")
    written = data.draw(data_for(v2))
    record = encoder.encode(Event(type=v2.type, source=SOURCE, data=written))
    event = Decoder(catalog, readers={"PermitGranted": 1}).decode_record(
        namedtuple("ConsumerRecord", "key value headers")(record.key, record.value, record.headers)
    )
    expected = {
        k: v
        for k, v in written.items()
        if k not in ("validUntil", "conditions", "feeReductionFifths")
    }
    if written["permitType"] == "TIME_LIMITED_BUILDING_PERMIT":
        expected["permitType"] = "OTHER"  # the enum's default: v1 does not know the symbol
    assert event.data == expected
    assert event.dataschema == v1.dataschema


def test_an_unknown_reader_version_is_refused(encoder: Encoder, decoder: Decoder) -> None:
    record = encoder.encode(Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2)))
    with pytest.raises(UnknownEventType, match="version v7 of PermitGranted"):
        decoder.decode(record.key, record.value, record.headers, reader_version=7)
    # a malformed header is what the record says first
    headers = [(n, b"2.0" if n == "ce_specversion" else v) for n, v in record.headers]
    with pytest.raises(MalformedHeader, match="ce_specversion"):
        decoder.decode(record.key, record.value, headers, reader_version=7)


# --- data that does not fit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"fee": {"amountOre": "12", "currency": "SEK"}},
            "fee.amountOre",
            "'12' (str) is not a long",
        ),
        ({"measure": None}, "measure", "null (missing) is not a string"),
        ({"permitType": "CASTLE"}, "permitType", "not a symbol of se.kommun.hub.permit.PermitType"),
        ({"conditions": ["ok", 3]}, "conditions[]", "3 (int) is not a string"),
        ({"municipality": "Umeå"}, "municipality", "is not a record"),
        ({"caseNumber": ""}, "caseNumber", "the key field must be a non-empty string"),
        ({"caseNumber": 17}, "caseNumber", "the key field must be a non-empty string"),
    ],
)
def test_data_that_does_not_fit_names_the_field(
    encoder: Encoder, changes: dict[str, Any], field: str, reason: str
) -> None:
    event = Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2, **changes))
    with pytest.raises(SchemaMismatch) as caught:
        encoder.encode(event)
    assert caught.value.field == field
    assert reason in str(caught.value)
    assert caught.value.event == "permit/PermitGranted"


def test_a_missing_field_names_the_field(encoder: Encoder) -> None:
    data = granted(2)
    del data["decidedOn"]
    with pytest.raises(SchemaMismatch) as caught:
        encoder.encode(Event(type=PERMIT_GRANTED, source=SOURCE, data=data))
    assert caught.value.field == "decidedOn"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"feeReductionFifths": 2**40}, "feeReductionFifths"),
        ({"fee": {"amountOre": 12.5}}, "fee.amountOre"),
        ({"validUntil": "2031-04-20"}, "validUntil"),
        ({"conditions": ("a", True)}, "conditions[]"),
    ],
)
def test_validation_catches_what_the_writer_would_coerce(
    catalog: Catalog, encoder: Encoder, changes: dict[str, Any], field: str
) -> None:
    event = Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2, **changes))
    with pytest.raises(SchemaMismatch) as caught:
        Encoder(catalog, validate=True).encode(event)
    assert caught.value.field == field


def test_subject_must_be_the_key(encoder: Encoder) -> None:
    event = Event(type=PERMIT_GRANTED, source=SOURCE, data=granted(2), subject="BN 1999-1")
    with pytest.raises(InvalidEvent, match="differs from key field caseNumber"):
        encoder.encode(event)


@pytest.mark.parametrize(
    ("type_", "dataschema", "match"),
    [
        ("se.kommun.hub.permit.PermitGranted.v9", None, "known types: se.kommun.hub"),
        (PERMIT_GRANTED, "urn:elsewhere", "data schema 'urn:elsewhere'"),
        (
            PERMIT_GRANTED,
            "urn:municipal-event-hub:schemas:registry/CaseClosed/v1.avsc",
            "belongs to type 'se.kommun.hub.registry.CaseClosed.v1'",
        ),
    ],
)
def test_unknown_types_and_schemas(
    encoder: Encoder, type_: str, dataschema: str | None, match: str
) -> None:
    event = Event(type=type_, source=SOURCE, data=granted(2), dataschema=dataschema)
    with pytest.raises(UnknownEventType, match=match):
        encoder.encode(event)


def test_encoders_and_decoders_pickle_as_what_they_were_made_with(catalog: Catalog) -> None:
    # worker processes get them by pickle
    encoder = pickle.loads(pickle.dumps(Encoder(catalog, topic_prefix="umea", validate=True)))
    decoder = pickle.loads(pickle.dumps(Decoder(catalog, readers={"PermitGranted": 1})))
    v2 = catalog.get("PermitGranted", 2)
    record = encoder.encode(Event(type=v2.type, source=SOURCE, data=granted(2)))
    assert record.topic == "umea.permit"
    assert decoder.decode_record(record).dataschema == catalog.get("PermitGranted", 1).dataschema
    with pytest.raises(SchemaMismatch):  # still validating
        encoder.encode(Event(type=v2.type, source=SOURCE, data=granted(2, feeReductionFifths=2.5)))
