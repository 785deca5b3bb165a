"""Records that are not valid hub events: each fault raises its own error, never a bare one."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.events import (
    BadMarker,
    Catalog,
    Decoder,
    Encoder,
    Event,
    KafkaRecord,
    MalformedBody,
    MalformedHeader,
    MissingHeader,
    SchemaMismatch,
    TruncatedBody,
    UnknownFingerprint,
    WireError,
    single_object_header,
    source_uri,
)

SOURCE = source_uri("2480", "diarium")
CLOSED = {
    "caseNumber": "KS 2026/00873",
    "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
    "closedAt": dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC),
    "outcome": "DECIDED",
    "decisionReference": "KS § 12/2026",
    "closedBy": None,
}


@pytest.fixture(scope="module")
def record(encoder: Encoder) -> KafkaRecord:
    event = Event(
        type="se.kommun.hub.registry.CaseClosed.v1",
        source=SOURCE,
        data=CLOSED,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        extensions={"correlationid": "x"},
    )
    return encoder.encode(event)


@pytest.fixture(scope="module")
def plain(encoder: Encoder) -> KafkaRecord:
    """A record with only the headers every event has, in the encoder's order: the layout
    the decoder reads by its short path."""
    record = encoder.encode(
        Event(type="se.kommun.hub.registry.CaseClosed.v1", source=SOURCE, data=CLOSED)
    )
    assert [name for name, _ in record.headers] == [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_subject",
        "ce_dataschema",
        "content-type",
    ]
    return record


def _headers(record: KafkaRecord, **changes: bytes | None) -> list[tuple[str, bytes]]:
    """The record's headers with some replaced (None removes one)."""
    out = [(name, changes.get(name, value)) for name, value in record.headers]
    return [(n, v) for n, v in out if n not in changes or changes[n] is not None]  # type: ignore[misc]


def test_the_fixture_record_decodes(decoder: Decoder, record: KafkaRecord) -> None:
    assert decoder.decode(record.key, record.value, record.headers).data == CLOSED


# --- the value ---------------------------------------------------------------------------------


def test_unknown_fingerprint_says_which(decoder: Decoder, record: KafkaRecord) -> None:
    value = single_object_header(0x0123456789ABCDEF) + record.value[10:]
    with pytest.raises(UnknownFingerprint) as caught:
        decoder.decode(record.key, value, record.headers)
    assert caught.value.fingerprint == 0x0123456789ABCDEF
    assert "0x0123456789abcdef" in str(caught.value)


@pytest.mark.parametrize("marker", [b"\x00\x00", b"\xc3\x00", b"\x01\xc3"])
def test_wrong_marker_bytes(decoder: Decoder, record: KafkaRecord, marker: bytes) -> None:
    with pytest.raises(BadMarker):
        decoder.decode(record.key, marker + record.value[2:], record.headers)


def test_every_truncation_is_a_truncated_body(decoder: Decoder, record: KafkaRecord) -> None:
    for length in range(1, len(record.value)):
        with pytest.raises(TruncatedBody):
            decoder.decode(record.key, record.value[:length], record.headers)


@pytest.mark.parametrize("value", [b"", None])
def test_no_value_at_all(decoder: Decoder, record: KafkaRecord, value: bytes | None) -> None:
    with pytest.raises(TruncatedBody, match="no value"):
        decoder.decode(record.key, value, record.headers)


def test_bytes_after_the_body(decoder: Decoder, record: KafkaRecord) -> None:
    with pytest.raises(MalformedBody, match="2 byte"):
        decoder.decode(record.key, record.value + b"\x00\x00", record.headers)


def test_a_body_that_is_not_avro_of_the_schema(decoder: Decoder, record: KafkaRecord) -> None:
    # the outcome enum index 40 does not exist; more bytes follow, so it is not a truncation
    body = bytearray(record.value)
    reference = "KS § 12/2026".encode()
    outcome = body.index(b"\x02" + bytes([2 * len(reference)]) + reference) - 1
    assert body[outcome] == 0  # DECIDED, the first symbol
    body[outcome] = 0x50  # zig-zag 40
    with pytest.raises(MalformedBody):
        decoder.decode(record.key, bytes(body), record.headers)


# --- the headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"]
)
def test_each_required_header_missing(decoder: Decoder, record: KafkaRecord, header: str) -> None:
    with pytest.raises(MissingHeader) as caught:
        decoder.decode(record.key, record.value, _headers(record, **{header: None}))
    assert caught.value.header == header


# Faults either header layout may carry: (header, its value, what the error says).
MALFORMED = [
    ("ce_specversion", b"0.3", "CloudEvents 1.0"),
    ("ce_id", b"\xff\xfe", "not UTF-8"),
    ("ce_id", b"", "is empty"),
    ("ce_source", b"", "is empty"),
    ("ce_source", b"\xc3", "not UTF-8"),
    ("ce_time", b"yesterday", "RFC 3339"),
    ("ce_time", b"2026-03-02 09:30:00Z", "RFC 3339"),
    ("ce_time", b"2026-02-30T09:30:00Z", "not a valid date"),
    ("ce_time", b"2026-03-02T09:30:00", "RFC 3339"),
    # the length and separators of the time the encoder writes, and still wrong
    ("ce_time", b"2026-02-30T09:30:00.000000Z", "not a valid date"),
    ("ce_time", b"2026-03-02T09:30:0x.000000Z", "RFC 3339"),
    ("ce_time", b"2026-03-02T09:30:00.000000+", "RFC 3339"),
    ("ce_time", b"2026-03-02 09:30:00.000000Z", "RFC 3339"),
    ("ce_time", b"20260302T093000.0000000000Z", "RFC 3339"),
    ("ce_type", b"se.kommun.hub.permit.PermitGranted.v1", "written with registry/CaseClosed v1"),
    ("content-type", b"application/json", "application/avro"),
    ("ce_subject", b"", "is empty"),
    ("ce_subject", b"\xc3", "not UTF-8"),
]


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        *MALFORMED,
        ("traceparent", b"00-xyz", "W3C traceparent"),
        ("ce_correlationid", b"\xff", "not UTF-8"),
    ],
)
def test_each_malformed_header(
    decoder: Decoder, record: KafkaRecord, header: str, value: bytes, reason: str
) -> None:
    with pytest.raises(MalformedHeader, match=reason) as caught:
        decoder.decode(record.key, record.value, _headers(record, **{header: value}))
    assert caught.value.header == header


@pytest.mark.parametrize(("header", "value", "reason"), MALFORMED)
def test_each_malformed_header_in_the_encoders_layout(
    decoder: Decoder, plain: KafkaRecord, header: str, value: bytes, reason: str
) -> None:
    """The decoder's short path for the encoder's own layout refuses what the general
    path refuses, with the same error."""
    with pytest.raises(MalformedHeader, match=reason) as caught:
        decoder.decode(plain.key, plain.value, _headers(plain, **{header: value}))
    assert caught.value.header == header


def test_a_header_renamed_in_the_encoders_layout(decoder: Decoder, plain: KafkaRecord) -> None:
    headers = [("ce_ident" if n == "ce_id" else n, v) for n, v in plain.headers]
    with pytest.raises(MissingHeader) as caught:
        decoder.decode(plain.key, plain.value, headers)
    assert caught.value.header == "ce_id"


def test_either_layout_reads_as_the_same_event(decoder: Decoder, plain: KafkaRecord) -> None:
    event = decoder.decode(plain.key, plain.value, plain.headers)
    assert event == decoder.decode(plain.key, plain.value, plain.headers[::-1])
    assert event.data == CLOSED
    assert event.traceparent is None
    assert event.extensions == {}


def test_a_header_without_a_value(decoder: Decoder, record: KafkaRecord) -> None:
    headers = [*_headers(record, ce_source=None), ("ce_source", None)]
    with pytest.raises(MalformedHeader, match="has no value"):
        decoder.decode(record.key, record.value, headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["ce_Bad", "ce_datacontenttype", "ce_" + "x" * 21])
def test_a_malformed_extension_name(decoder: Decoder, record: KafkaRecord, name: str) -> None:
    with pytest.raises(MalformedHeader) as caught:
        decoder.decode(record.key, record.value, [*record.headers, (name, b"1")])
    assert caught.value.header == name


def test_a_cloudevents_header_given_twice(decoder: Decoder, record: KafkaRecord) -> None:
    with pytest.raises(MalformedHeader, match="more than once"):
        decoder.decode(record.key, record.value, [*record.headers, ("ce_id", b"other")])


def test_foreign_headers_are_left_alone(decoder: Decoder, record: KafkaRecord) -> None:
    headers = [*record.headers, ("tracestate", b"a=b"), ("x-retries", b"1"), ("x-retries", b"2")]
    assert decoder.decode(record.key, record.value, headers).extensions == {"correlationid": "x"}


def test_the_subject_falls_back_to_the_key(decoder: Decoder, record: KafkaRecord) -> None:
    event = decoder.decode(record.key, record.value, _headers(record, ce_subject=None))
    assert event.subject == "KS 2026/00873"


def test_a_reader_that_cannot_resolve_names_the_field(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from tests.events.conftest import FIXTURES

    broken = Catalog.load(FIXTURES / "incompatible")  # loads: only `check` refuses it
    event = Event(
        type="se.kommun.hub.permit.PermitGranted.v1",
        source=SOURCE,
        data={"caseNumber": "BN 1", "fee": {"amountOre": 100}},
        dataschema=broken.get("PermitGranted", 1).dataschema,
    )
    record = Encoder(broken).encode(event)
    with pytest.raises(SchemaMismatch) as caught:
        Decoder(broken).decode(record.key, record.value, record.headers, reader_version=2)
    assert caught.value.field == "fee.amountOre"


# --- anything else: only the error tree -----------------------------------------------------


@settings(deadline=None, max_examples=300)
@given(
    position=st.integers(0, 10_000),
    replacement=st.binary(min_size=0, max_size=4),
    cut=st.integers(0, 10_000),
    drop=st.sets(st.integers(0, 12), max_size=3),
)
def test_any_damage_raises_only_event_errors(
    decoder: Decoder,
    record: KafkaRecord,
    position: int,
    replacement: bytes,
    cut: int,
    drop: set[int],
) -> None:
    value = bytearray(record.value)
    at = position % (len(value) + 1)
    value[at : at + len(replacement)] = replacement
    value = value[: max(cut, len(value) // 2)]
    headers = [h for i, h in enumerate(record.headers) if i not in drop]
    with contextlib.suppress(WireError, SchemaMismatch):  # what a consumer dead-letters
        decoder.decode(record.key, bytes(value), headers)
