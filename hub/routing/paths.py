"""Paths into an event (``data.fee.amountOre``, ``subject``, ``event``), checked against the
catalog: shared by route filters and transforms.

``resolve_path`` checks a path against every event schema a route reads and returns a
fast getter for it and the type it holds in each schema.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hub.events import Event, EventSchema
from hub.events.rules import resolve, type_name

Getter = Callable[[Event, "str | None"], Any]
"""A value of an event; the second argument is the event's name (``PermitGranted``)."""

ATTRIBUTES = ("type", "source", "subject", "id", "time", "dataschema", "event")
_KIND_OF = {"int": "number", "long": "number", "float": "number", "double": "number"}
_KIND_OF |= {"fixed": "bytes", "string": "string", "boolean": "boolean", "bytes": "bytes"}
_LOGICAL_KIND = {"date": "date", "timestamp-millis": "timestamp", "timestamp-micros": "timestamp"}
_LOGICAL_KIND |= {"decimal": "number", "uuid": "string"}
_ARTICLE = {"enum": "an enum", "array": "an array", "any": "a value", "bytes": "bytes"}
_ARTICLE |= {"null": "null"}


@dataclass(frozen=True)
class FieldType:
    """What a path holds: ``kind`` is string, enum, number, boolean, date, timestamp,
    record, array, map, bytes, or any (a union of several types)."""

    kind: str
    nullable: bool = False
    symbols: tuple[str, ...] = ()

    def describe(self) -> str:
        return _ARTICLE.get(self.kind, f"a {self.kind}")


class PathError(ValueError):
    """A path that is not an attribute, or a field some event the route reads lacks."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def resolve_path(path: str, schemas: Sequence[EventSchema]) -> tuple[Getter, tuple[FieldType, ...]]:
    """A getter for ``path`` and its type in each of ``schemas`` (in order); raises
    PathError naming the field and an event lacking it."""
    segments = path.split(".")
    head = segments[0]
    if head == "data":
        return _data_getter(tuple(segments[1:])), _data_types(path, segments[1:], schemas)
    if head in ATTRIBUTES and len(segments) == 1:
        kind = FieldType("timestamp") if head == "time" else FieldType("string", head != "type")
        return _ATTRIBUTE_GETTERS[head], (kind,)
    if head in ATTRIBUTES:
        raise PathError(path, f"{head} is an attribute without fields: write {head}")
    names = ", ".join(ATTRIBUTES)
    message = f"unknown path {path}: use data.<field> or an attribute ({names})"
    close = difflib.get_close_matches(head, (*ATTRIBUTES, "data"), n=1)
    if close:
        message += f"; did you mean {close[0]}?"
    raise PathError(path, message)


_ATTRIBUTE_GETTERS: dict[str, Getter] = {
    "type": lambda event, _: event.type,
    "source": lambda event, _: event.source,
    "subject": lambda event, _: event.subject,
    "id": lambda event, _: event.id,
    "time": lambda event, _: event.time,
    "dataschema": lambda event, _: event.dataschema,
    "event": lambda _, name: name,
}


def _data_getter(names: tuple[str, ...]) -> Getter:
    if not names:
        return lambda event, _: event.data
    first, rest = names[0], names[1:]
    if not rest:
        return lambda event, _: event.data.get(first)

    def get(event: Event, _: str | None) -> Any:
        value = event.data.get(first)
        for name in rest:
            if not isinstance(value, Mapping):
                return None
            value = value.get(name)
        return value

    return get


def _data_types(
    path: str, names: Sequence[str], schemas: Sequence[EventSchema]
) -> tuple[FieldType, ...]:
    if not schemas:
        raise PathError(path, f"{path} cannot be checked: the route reads no events")
    types: list[FieldType] = []
    having: dict[str, None] = {}
    lacking: list[tuple[EventSchema, int, list[str] | None]] = []
    for schema in schemas:
        found = _field_in(schema, names)
        if isinstance(found, FieldType):
            types.append(found)
            having[_label(schema, schemas)] = None
        else:
            lacking.append((schema, *found))
    if not lacking:
        return tuple(types)
    schema, depth, fields = lacking[0]
    label = _label(schema, schemas)
    parent = ".".join(("data", *names[:depth]))
    if fields is None:
        message = f"unknown field {path}: {parent} in {label} is not a record"
    else:
        where = label if depth == 0 else f"{parent} in {label}"
        message = f"unknown field {path} ({where} has: {', '.join(fields)})"
        close = difflib.get_close_matches(names[depth], fields, n=1)
        if close:
            message += f"; did you mean {parent}.{close[0]}?"
    if having:
        message += (
            f". {', '.join(having)} {'has' if len(having) == 1 else 'have'} it, but a route may "
            "only use fields every event it reads has: narrow the route's from.types"
        )
    raise PathError(path, message)


def _field_in(
    schema: EventSchema, names: Sequence[str]
) -> FieldType | tuple[int, list[str] | None]:
    """The field's type, or how deep the path went and the fields there (None: no record)."""
    named = schema.parsed.get("__named_schemas", {})
    record: Any = schema.parsed
    for depth, name in enumerate(names):
        if record is None:
            return depth, None
        field = next((f for f in record["fields"] if f["name"] == name), None)
        if field is None:
            return depth, [str(f["name"]) for f in record["fields"]]
        if depth == len(names) - 1:
            return field_type(field["type"], named)
        record = _record_of(field["type"], named)
    return FieldType("record")


def _record_of(schema: Any, named: Mapping[str, Any]) -> Any:
    schema = resolve(schema, named)
    if isinstance(schema, list):
        branches = [b for b in schema if b != "null"]
        return _record_of(branches[0], named) if len(branches) == 1 else None
    return schema if type_name(schema) in ("record", "error") else None


def field_type(schema: Any, named: Mapping[str, Any]) -> FieldType:
    """The ``FieldType`` of a parsed Avro schema."""
    schema = resolve(schema, named)
    kind = type_name(schema)
    if kind == "union":
        branches = [b for b in schema if b != "null"]
        inner = field_type(branches[0], named) if len(branches) == 1 else FieldType("any")
        return FieldType(inner.kind, len(branches) < len(schema), inner.symbols)
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if logical is not None:
        return FieldType(_LOGICAL_KIND.get(logical, "any"))
    if kind == "enum":
        return FieldType("enum", symbols=tuple(schema["symbols"]))
    return FieldType(_KIND_OF.get(kind, "record" if kind == "error" else kind))


def _label(schema: EventSchema, schemas: Sequence[EventSchema]) -> str:
    versions = sum(1 for s in schemas if s.name == schema.name)
    return f"{schema.name} v{schema.version}" if versions > 1 else schema.name


def event_name(ce_type: str) -> str:
    """The catalog's event name in a CloudEvents type: ``se.kommun.hub.permit.X.v1`` -> X."""
    head, _, last = ce_type.rpartition(".")
    if head and last[:1] == "v" and last[1:].isdigit():
        last = head.rpartition(".")[2]
    return last


# ---------------------------------------------------------------------------- the language
