"""JSON values to Avro-native values by the schema: dates, timestamps, enums, unions."""

from __future__ import annotations

import datetime as dt
import decimal
from io import BytesIO
from typing import Any

import pytest
from fastavro import schemaless_reader, schemaless_writer
from fastavro.schema import parse_schema
from hypothesis import given
from hypothesis import strategies as st

from hub.events.jsonvalues import InvalidValue, converter, rfc3339, to_avro

SCHEMA: dict[str, Any] = parse_schema(
    {
        "type": "record",
        "name": "test.Sample",
        "fields": [
            {"name": "text", "type": "string"},
            {"name": "count", "type": "int"},
            {"name": "big", "type": "long", "default": 0},
            {"name": "ratio", "type": "double", "default": 0.0},
            {"name": "flag", "type": "boolean", "default": False},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}, "default": 0},
            {
                "name": "at",
                "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
                "default": None,
            },
            {
                "name": "local",
                "type": ["null", {"type": "long", "logicalType": "local-timestamp-micros"}],
                "default": None,
            },
            {
                "name": "clock",
                "type": ["null", {"type": "int", "logicalType": "time-millis"}],
                "default": None,
            },
            {
                "name": "money",
                "type": [
                    "null",
                    {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2},
                ],
                "default": None,
            },
            {
                "name": "ref",
                "type": ["null", {"type": "string", "logicalType": "uuid"}],
                "default": None,
            },
            {
                "name": "colour",
                "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]},
                "default": "RED",
            },
            {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
            {"name": "answers", "type": {"type": "map", "values": "int"}, "default": {}},
            {
                "name": "party",
                "type": [
                    "null",
                    {
                        "type": "record",
                        "name": "Party",
                        "fields": [
                            {"name": "name", "type": "string"},
                            {"name": "colour", "type": ["null", "Colour"], "default": None},
                        ],
                    },
                ],
                "default": None,
            },
            {"name": "parties", "type": {"type": "array", "items": "Party"}, "default": []},
            {"name": "raw", "type": ["null", "bytes"], "default": None},
        ],
    }
)
MINIMAL = {"text": "x", "count": 1}


def _convert(**fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = to_avro(SCHEMA, {**MINIMAL, **fields})
    return result


def _error(**fields: Any) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        to_avro(SCHEMA, {**MINIMAL, **fields}, ("data",))
    return caught.value


def _roundtrip(data: dict[str, Any]) -> Any:
    buffer = BytesIO()
    schemaless_writer(buffer, SCHEMA, data)
    buffer.seek(0)
    return schemaless_reader(buffer, SCHEMA)


def test_text_values_become_dates_times_and_decimals() -> None:
    data = _convert(
        day="2026-03-01",
        at="2026-03-01T09:30:00.250+01:00",
        local="2026-03-01T09:30:00.000001",
        clock="09:30:15",
        money="1234.50",
        ref="6f1c2a52-9d8e-4f0b-a3a4-5b0d2c1e8f10",
    )
    assert data["day"] == dt.date(2026, 3, 1)
    assert data["at"] == dt.datetime(2026, 3, 1, 8, 30, 0, 250_000, tzinfo=dt.UTC)
    assert data["local"] == dt.datetime(2026, 3, 1, 9, 30, 0, 1)
    assert data["clock"] == dt.time(9, 30, 15)
    assert data["money"] == decimal.Decimal("1234.50")
    back = _roundtrip(data)
    assert back["day"] == dt.date(2026, 3, 1)
    assert back["at"] == dt.datetime(2026, 3, 1, 8, 30, 0, 250_000, tzinfo=dt.UTC)
    assert back["money"] == decimal.Decimal("1234.50")


def test_left_out_defaults_are_left_to_the_writer() -> None:
    data = _convert()
    assert data == MINIMAL
    assert _roundtrip(data)["colour"] == "RED"


def test_enums_unions_records_arrays_and_maps() -> None:
    data = _convert(
        colour="GREEN",
        tags=["a", "b"],
        answers={"q1": 3},
        party={"name": "Test", "colour": None},
        parties=[{"name": "A"}, {"name": "B", "colour": "GREEN"}],
        raw="\u00ff\u0000",
    )
    assert data["parties"][1] == {"name": "B", "colour": "GREEN"}
    assert data["raw"] == b"\xff\x00"
    assert _roundtrip(data)["party"] == {"name": "Test", "colour": None}


def test_integers_are_accepted_where_doubles_are_expected() -> None:
    assert _convert(ratio=2)["ratio"] == 2.0


@pytest.mark.parametrize(
    ("fields", "field", "pointer", "reason"),
    [
        ({"count": "1"}, "data.count", "/data/count", 'expected an integer, got "1" (a string)'),
        ({"count": True}, "data.count", "/data/count", "expected an integer, got true"),
        ({"count": 1.5}, "data.count", "/data/count", "expected an integer"),
        ({"count": 2**31}, "data.count", "/data/count", "out of range for an Avro int"),
        ({"text": None}, "data.text", "/data/text", "expected a string, got null"),
        ({"day": "01/03/2026"}, "data.day", "/data/day", "ISO 8601 date"),
        ({"day": "2026-02-30"}, "data.day", "/data/day", "not a valid date"),
        ({"at": "2026-03-01T09:30:00"}, "data.at", "/data/at", "RFC 3339"),
        ({"at": 1772357400000}, "data.at", "/data/at", "RFC 3339"),
        ({"colour": "BLUE"}, "data.colour", "/data/colour", "one of RED, GREEN"),
        ({"tags": ["a", 1]}, "data.tags[1]", "/data/tags/1", "expected a string"),
        ({"answers": {"a/b": "x"}}, 'data.answers["a/b"]', "/data/answers/a~1b", "integer"),
        ({"party": {"name": 5}}, "data.party.name", "/data/party/name", "expected a string"),
        ({"parties": [{}]}, "data.parties[0].name", "/data/parties/0/name", "missing"),
        ({"money": "1.234"}, "data.money", "/data/money", "more than 2 decimal places"),
        ({"money": "12345.6"}, "data.money", "/data/money", "more than 6 significant"),
        ({"ref": "not-a-uuid"}, "data.ref", "/data/ref", "UUID"),
        ({"raw": "\u20ac"}, "data.raw", "/data/raw", "code points 0-255"),
        ({"extra": 1}, "data.extra", "/data/extra", "the schema has no such field"),
    ],
)
def test_values_that_do_not_fit_name_their_field(
    fields: dict[str, Any], field: str, pointer: str, reason: str
) -> None:
    error = _error(**fields)
    assert (error.field, error.pointer) == (field, pointer)
    assert reason in error.reason


def test_missing_required_field_is_named() -> None:
    with pytest.raises(InvalidValue) as caught:
        to_avro(SCHEMA, {"text": "x"}, ("data",))
    assert caught.value.field == "data.count"
    assert caught.value.reason == "required field is missing"


def test_a_record_that_is_not_an_object() -> None:
    with pytest.raises(InvalidValue, match="expected an object, got an array") as caught:
        to_avro(SCHEMA, [], ("data",))
    assert caught.value.pointer == "/data"


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2200, 1, 1), timezones=offsets
    )
)
def test_rfc3339_text_reads_back_as_the_same_instant(moment: dt.datetime) -> None:
    assert rfc3339(moment.isoformat(), ()) == moment
    zulu = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert rfc3339(zulu, ()) == moment


@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_iso_dates_read_back(day: dt.date) -> None:
    assert _convert(day=day.isoformat())["day"] == day


RECURSIVE: dict[str, Any] = parse_schema(
    {
        "type": "record",
        "name": "test.Node",
        "fields": [
            {"name": "label", "type": "string"},
            {"name": "next", "type": ["null", "test.Node"], "default": None},
        ],
    }
)


def test_a_recursive_type_converts_at_any_depth() -> None:
    value = {"label": "a", "next": {"label": "b", "next": {"label": "c"}}}
    assert to_avro(RECURSIVE, value) == value
    with pytest.raises(InvalidValue) as caught:
        to_avro(RECURSIVE, {"label": "a", "next": {"label": "b", "next": {"label": 3}}})
    assert caught.value.field == "next.next.label"


def test_the_conversion_is_compiled_once_per_schema() -> None:
    assert converter(SCHEMA) is converter(SCHEMA)
    assert converter(RECURSIVE) is not converter(SCHEMA)


def test_a_union_of_null_alone_accepts_only_null() -> None:
    schema = parse_schema(
        {"type": "record", "name": "test.Nothing", "fields": [{"name": "n", "type": ["null"]}]}
    )
    assert to_avro(schema, {"n": None}) == {"n": None}
    with pytest.raises(InvalidValue, match="expected null"):
        to_avro(schema, {"n": 1})
