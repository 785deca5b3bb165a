"""Finding fields in an event's Avro schema (fastavro's parsed form) by dotted path.

``municipality.code`` is the field ``code`` of the record in the field ``municipality``; a
union with one record branch (an optional nested record) is stepped through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.events.rules import resolve, type_name


def takes_null(schema: Any, named: Mapping[str, Any]) -> bool:
    """Whether a field of this type may be null."""
    schema = resolve(schema, named)
    if isinstance(schema, list):
        return any(resolve(branch, named) == "null" for branch in schema)
    return bool(schema == "null")


def record_of(schema: Any, named: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The record a field holds, directly or as the one record branch of a union."""
    schema = resolve(schema, named)
    if type_name(schema) == "record":
        return dict(schema)
    if isinstance(schema, list):
        records = [r for b in schema if type_name(r := resolve(b, named)) == "record"]
        if len(records) == 1:
            return dict(records[0])
    return None


def field_at(
    record: Mapping[str, Any], path: str, named: Mapping[str, Any]
) -> Mapping[str, Any] | str:
    """The field at a dotted path of a record schema, or why there is none."""
    parts = path.split(".")
    for index, part in enumerate(parts):
        fields = {str(f["name"]): f for f in record["fields"]}
        where = ".".join(parts[:index]) or str(record["name"]).rsplit(".", 1)[-1]
        if part not in fields:
            return f"{where} has no field {part!r} (its fields: {', '.join(fields)})"
        if index == len(parts) - 1:
            return dict(fields[part])
        inner = record_of(fields[part]["type"], named)
        if inner is None:
            here, below = ".".join(parts[: index + 1]), parts[index + 1]
            return f"{here} is not a record, so it has no field {below!r}"
        record = inner
    raise ValueError("a field path has at least one part")
