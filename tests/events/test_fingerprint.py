"""Single-object header and CRC-64-AVRO fingerprints, against the Avro specification."""

from __future__ import annotations

import pytest
from fastavro.schema import fingerprint as fastavro_fingerprint
from fastavro.schema import to_parsing_canonical_form

from hub.events import (
    BadMarker,
    Catalog,
    TruncatedBody,
    canonical_form,
    crc64_avro,
    fingerprint,
    single_object_header,
)
from hub.events.fingerprint import read_fingerprint


def test_fingerprints_of_the_specifications_examples() -> None:
    assert fingerprint("int") == 0x7275D51A3F395C8F
    assert fingerprint("null") == 0x63DD24E7CC258F8A


def test_header_of_int_is_the_one_in_the_specification() -> None:
    header = single_object_header(fingerprint("int"))
    assert header == bytes.fromhex("C3 01 8F 5C 39 3F 1A D5 75 72")


def test_crc_of_no_bytes_is_the_empty_fingerprint() -> None:
    assert crc64_avro(b"") == 0xC15D213AA4D7A795


def test_canonical_form_strips_what_does_not_shape_the_bytes() -> None:
    schema = {
        "type": "record",
        "name": "Outer",
        "namespace": "se.kommun.hub.test",
        "doc": "docs, defaults, logical types and custom attributes go",
        "hub.key": "when",
        "fields": [
            {"name": "when", "type": {"type": "int", "logicalType": "date"}, "doc": "d"},
            {
                "name": "inner",
                "type": {
                    "type": "record",
                    "name": "Inner",
                    "fields": [
                        {
                            "name": "e",
                            "type": {
                                "type": "enum",
                                "name": "other.E",
                                "symbols": ["A", "B"],
                                "default": "A",
                            },
                        }
                    ],
                },
            },
            {"name": "again", "type": ["null", "Inner"], "default": None},
            {
                "name": "items",
                "type": {"type": "array", "items": {"type": "string"}},
                "hub.classification": "personal",
            },
        ],
    }
    assert canonical_form(schema) == (
        '{"name":"se.kommun.hub.test.Outer","type":"record","fields":['
        '{"name":"when","type":"int"},'
        '{"name":"inner","type":{"name":"se.kommun.hub.test.Inner","type":"record","fields":['
        '{"name":"e","type":{"name":"other.E","type":"enum","symbols":["A","B"]}}]}},'
        '{"name":"again","type":["null","se.kommun.hub.test.Inner"]},'
        '{"name":"items","type":{"type":"array","items":"string"}}]}'
    )


def test_every_catalog_fingerprint_matches_fastavros(catalog: Catalog) -> None:
    for schema in catalog:
        form = to_parsing_canonical_form(schema.schema)
        wire = bytes.fromhex(fastavro_fingerprint(form, "CRC-64-AVRO"))
        assert single_object_header(schema.fingerprint)[2:] == wire, schema


def test_reading_the_header_gives_the_fingerprint() -> None:
    value = single_object_header(0x0102030405060708) + b"\x02"
    assert read_fingerprint(value) == 0x0102030405060708


@pytest.mark.parametrize("value", [b"\x00\x00\x00\x00\x01" + b"\x00" * 6, b"\xc3\x02", b"{"])
def test_a_value_without_the_marker_is_rejected(value: bytes) -> None:
    with pytest.raises(BadMarker) as caught:
        read_fingerprint(value)
    assert caught.value.found == value[:2]


def test_confluent_framing_is_recognised_in_the_message() -> None:
    with pytest.raises(BadMarker, match="Confluent"):
        read_fingerprint(b"\x00\x00\x00\x00\x07\x02")


@pytest.mark.parametrize("length", range(10))
def test_a_value_shorter_than_the_header_is_truncated(length: int) -> None:
    value = single_object_header(fingerprint("int"))[:length]
    with pytest.raises(TruncatedBody):
        read_fingerprint(value)
