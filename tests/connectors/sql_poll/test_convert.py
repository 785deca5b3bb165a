"""Fitting database and JSON values to event schemas: conversions, and problems by path."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastavro import parse_schema, schemaless_reader, schemaless_writer
from hypothesis import given
from hypothesis import strategies as st

from connectors.sql_poll.convert import ValueProblem, converter, record_converter
from hub.events import Catalog

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def convert(schema: Any, value: Any) -> Any:
    parsed = parse_schema(schema)
    return converter(parsed, {}, STOCKHOLM)(value)


def test_dates_come_from_dates_timestamps_and_iso_text() -> None:
    schema = {"type": "int", "logicalType": "date"}
    assert convert(schema, dt.date(2026, 2, 27)) == dt.date(2026, 2, 27)
    assert convert(schema, "2026-02-27") == dt.date(2026, 2, 27)
    assert convert(schema, "2026-02-27T10:00:00") == dt.date(2026, 2, 27)
    # 23:30 UTC is already the next day in Sweden
    late = dt.datetime(2026, 2, 27, 23, 30, tzinfo=dt.UTC)
    assert convert(schema, late) == dt.date(2026, 2, 28)
    assert convert(schema, dt.datetime(2026, 2, 27, 23, 30)) == dt.date(2026, 2, 27)


def test_naive_timestamps_are_read_in_the_configured_zone() -> None:
    schema = {"type": "long", "logicalType": "timestamp-millis"}
    winter = convert(schema, dt.datetime(2026, 3, 1, 10, 15))
    assert winter == dt.datetime(2026, 3, 1, 9, 15, tzinfo=dt.UTC)
    summer = convert(schema, "2026-07-01T10:15:00")
    assert summer == dt.datetime(2026, 7, 1, 8, 15, tzinfo=dt.UTC)
    assert convert(schema, "2026-07-01T10:15:00Z") == dt.datetime(2026, 7, 1, 10, 15, tzinfo=dt.UTC)
    assert convert(schema, dt.date(2026, 3, 1)) == dt.datetime(2026, 2, 28, 23, tzinfo=dt.UTC)
    aware = dt.datetime(2026, 3, 1, 10, 15, tzinfo=dt.UTC)
    assert convert(schema, aware) is aware


def test_numbers_uuids_and_booleans_from_database_drivers() -> None:
    assert convert("long", decimal.Decimal("42")) == 42
    assert convert("double", decimal.Decimal("1.5")) == 1.5
    assert convert("boolean", 1) is True
    ident = uuid.UUID("7a0f1b7e-3c4d-4e5f-8a9b-0c1d2e3f4a5b")
    assert convert("string", ident) == str(ident)
    with pytest.raises(ValueProblem, match=r"Decimal\('4.2'\) is not a long"):
        convert("long", decimal.Decimal("4.2"))
    with pytest.raises(ValueProblem, match="is not an int"):
        convert("int", 2**31)
    with pytest.raises(ValueProblem, match="is not a string"):
        convert("string", 12)


def test_problems_name_the_field_path() -> None:
    schema = {
        "type": "record",
        "name": "Case",
        "fields": [
            {"name": "caseNumber", "type": "string"},
            {
                "name": "parties",
                "type": {
                    "type": "array",
                    "items": {
                        "type": "record",
                        "name": "Party",
                        "fields": [
                            {"name": "name", "type": "string"},
                            {"name": "email", "type": ["null", "string"], "default": None},
                        ],
                    },
                },
                "default": [],
            },
            {
                "name": "secrecy",
                "type": {"type": "enum", "name": "Secrecy", "symbols": ["PUBLIC", "SECRET"]},
                "default": "PUBLIC",
            },
        ],
    }
    with pytest.raises(ValueProblem) as null_key:
        convert(schema, {"caseNumber": None})
    assert null_key.value.path == "caseNumber"
    assert "NULL" in null_key.value.reason
    with pytest.raises(ValueProblem) as missing:
        convert(schema, {})
    assert missing.value.path == "caseNumber"
    assert "missing" in missing.value.reason
    with pytest.raises(ValueProblem) as nested:
        convert(schema, {"caseNumber": "KS 1", "parties": [{"name": "A"}, {"name": None}]})
    assert nested.value.path == "parties[].name"
    with pytest.raises(
        ValueProblem, match=r"'HEMLIG' is not a symbol of Secrecy \(PUBLIC, SECRET\)"
    ):
        convert(schema, {"caseNumber": "KS 1", "secrecy": "HEMLIG"})
    # NULL where the schema has a default but takes no null: the default is written
    assert convert(schema, {"caseNumber": "KS 1", "parties": None, "secrecy": None}) == {
        "caseNumber": "KS 1"
    }


def test_json_text_fills_arrays_and_maps() -> None:
    assert convert({"type": "array", "items": "string"}, '["a", "b"]') == ["a", "b"]
    assert convert({"type": "map", "values": "long"}, '{"a": 1}') == {"a": 1}
    with pytest.raises(ValueProblem, match="is not JSON"):
        convert({"type": "array", "items": "string"}, "a, b")


def test_every_catalog_event_converts_its_own_written_data(catalog: Catalog) -> None:
    """Data fastavro reads back from a record converts to itself (nothing is lost)."""
    for schema in catalog:
        convert_ = record_converter(schema.parsed, STOCKHOLM)
        sample = _minimal(schema.parsed, schema.parsed.get("__named_schemas", {}))
        buffer = BytesIO()
        schemaless_writer(buffer, schema.parsed, convert_(sample))
        buffer.seek(0)
        read = schemaless_reader(buffer, schema.parsed, None)
        assert convert_(read) == read, schema


def _minimal(schema: Any, named: dict[str, Any]) -> Any:
    """Some valid value of ``schema`` (the first branch, the first symbol, ...)."""
    if isinstance(schema, str):
        if schema in named:
            return _minimal(named[schema], named)
        return {"string": "x", "int": 1, "long": 1, "boolean": True, "null": None}.get(schema, 1.0)
    if isinstance(schema, list):
        return _minimal(schema[-1], named)
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical == "date":
        return "2026-02-27"
    if logical == "timestamp-millis":
        return "2026-02-27T10:00:00+01:00"
    if kind == "record":
        return {f["name"]: _minimal(f["type"], named) for f in schema["fields"]}
    if kind == "enum":
        return schema["symbols"][0]
    if kind == "array":
        return [_minimal(schema["items"], named)]
    if kind == "map":
        return {"k": _minimal(schema["values"], named)}
    return _minimal(kind, named)


@given(st.datetimes(timezones=st.timezones()))
def test_iso_timestamps_keep_their_instant(moment: dt.datetime) -> None:
    schema = {"type": "long", "logicalType": "timestamp-micros"}
    converted = convert(schema, moment.isoformat())
    assert converted.utcoffset() == moment.utcoffset()
    assert converted.replace(tzinfo=None) == moment.replace(tzinfo=None)


@given(st.dates())
def test_iso_dates_keep_their_day(day: dt.date) -> None:
    assert convert({"type": "int", "logicalType": "date"}, day.isoformat()) == day
