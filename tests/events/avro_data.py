"""Hypothesis strategies: Avro data for any parsed schema, and events around it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from hub.events import Event, EventSchema
from hub.events.model import CONTEXT_ATTRIBUTES
from hub.events.rules import resolve, type_name

UTC = dt.UTC
_FIRST = dt.datetime(1900, 1, 1)
_LAST = dt.datetime(2200, 12, 31)


def data_for(schema: EventSchema) -> st.SearchStrategy[dict[str, Any]]:
    """Records valid under ``schema``; the key field is a non-empty string."""
    parsed = schema.parsed
    named = parsed.get("__named_schemas", {})
    fields = {f["name"]: _value(f["type"], named) for f in parsed["fields"]}
    fields[schema.key_field] = st.text(min_size=1, max_size=30)
    return st.fixed_dictionaries(fields)


def _value(schema: Any, named: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    schema = resolve(schema, named)
    kind = type_name(schema)
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if logical == "date":
        return st.dates(_FIRST.date(), _LAST.date())
    if logical == "timestamp-millis":
        return _instants().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
    if logical == "timestamp-micros":
        return _instants()
    if kind == "union":
        return st.one_of([_value(branch, named) for branch in schema])
    if kind == "record":
        return st.fixed_dictionaries(
            {f["name"]: _value(f["type"], named) for f in schema["fields"]}
        )
    if kind == "array":
        return st.lists(_value(schema["items"], named), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=10), _value(schema["values"], named), max_size=3)
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    return _PRIMITIVES[kind]


def _instants() -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(_FIRST, _LAST).map(lambda t: t.replace(tzinfo=UTC))


_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "int": st.integers(-(2**31), 2**31 - 1),
    "long": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(width=32, allow_nan=False),
    "double": st.floats(allow_nan=False),
    "string": st.text(max_size=40),
    "bytes": st.binary(max_size=40),
}

TRACEPARENTS = st.from_regex(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", fullmatch=True).filter(
    lambda t: "0" * 32 not in t and "-" + "0" * 16 + "-" not in t
)
EXTENSION_NAMES = st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True).filter(
    lambda n: n not in CONTEXT_ATTRIBUTES and n != "data"
)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@st.composite
def events(draw: st.DrawFn, schema: EventSchema) -> Event:
    """Events of ``schema`` with every envelope attribute drawn, as a decoder returns them."""
    data = draw(data_for(schema))
    return Event(
        type=schema.type,
        source=draw(st.text(min_size=1, max_size=40)),
        data=data,
        id=draw(st.uuids().map(str) | st.text(min_size=1, max_size=40)),
        time=draw(st.datetimes(_FIRST, _LAST, timezones=OFFSETS)),
        subject=data[schema.key_field],
        dataschema=schema.dataschema,
        traceparent=draw(st.none() | TRACEPARENTS),
        extensions=draw(st.dictionaries(EXTENSION_NAMES, st.text(max_size=20), max_size=2)),
    )
