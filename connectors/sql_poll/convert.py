"""Fitting database values to an event's Avro schema, or saying which field does not fit.

A row holds what its driver returns (naive timestamps, ``Decimal`` numbers, UUIDs) and an
outbox payload holds JSON (dates and timestamps as ISO 8601 text). ``converter`` walks
fastavro's parsed form of a schema once and builds a function that turns such data into
what fastavro writes, field by field:

* ``date``: a ``date``, a ``datetime`` (its day in the configured zone) or ISO text;
* ``timestamp-millis``/``-micros``: an aware ``datetime``; naive ones and ISO text without
  an offset are read in the configured zone; a ``date`` is its midnight there;
* ``int``/``long``: integers, and ``Decimal`` values without a fraction; ``float``/``double``
  also take ``Decimal``; ``string`` also takes a UUID; ``boolean`` also takes 0 and 1;
* a NULL where the schema neither takes null nor has a default is a problem; where it has
  a default, the default is written.

Anything else that does not fit raises :class:`ValueProblem` with the field's path
(``municipality.code``, ``parties[].name``), so a bad row can be set aside with a reason.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from connectors.sql_poll.avro_fields import takes_null
from hub.events.rules import resolve, type_name

Converter = Callable[[Any], Any]

_INT_LIMITS = {"int": 2**31, "long": 2**63}


class ValueProblem(ValueError):
    """A value that does not fit the schema, and the path of its field."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason

    def within(self, prefix: str) -> ValueProblem:
        """The same problem seen from the record, array or map around it."""
        return ValueProblem(join_path(prefix, self.path), self.reason)


def join_path(prefix: str, path: str) -> str:
    if not path:
        return prefix
    if not prefix:
        return path
    return prefix + path if path[0] in "[{" else f"{prefix}.{path}"


def show(value: Any) -> str:
    """A value as a problem message names it (short; NULL for None)."""
    if value is None:
        return "NULL"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def converter(schema: Any, named: Mapping[str, Any], zone: dt.tzinfo) -> Converter:
    """The converter for ``schema`` (a parsed schema or any part of one)."""
    return _Builder(named, zone).build(schema)


def record_converter(parsed: Mapping[str, Any], zone: dt.tzinfo) -> Converter:
    """The converter for an event's whole (parsed) record schema."""
    return converter(parsed, parsed.get("__named_schemas", {}), zone)


def field_converter(
    field: Mapping[str, Any], named: Mapping[str, Any], zone: dt.tzinfo
) -> tuple[Converter, bool]:
    """The converter of one record field, and whether NULL there means "write the
    default" (the field has a default and takes no null)."""
    return converter(field["type"], named, zone), (
        "default" in field and not takes_null(field["type"], named)
    )


def _problem(value: Any, label: str) -> ValueProblem:
    return ValueProblem("", f"{show(value)} is not {label}")


class _Builder:
    def __init__(self, named: Mapping[str, Any], zone: dt.tzinfo) -> None:
        self.named = named
        self.zone = zone
        self.records: dict[str, Converter] = {}

    def build(self, schema: Any) -> Converter:
        schema = resolve(schema, self.named)
        kind = type_name(schema)
        if kind == "union":
            return self._union(schema)
        if kind in ("record", "error"):
            return self._record(schema)
        if kind == "array":
            return self._array(schema)
        if kind == "map":
            return self._map(schema)
        logical = schema.get("logicalType") if isinstance(schema, dict) else None
        if logical in _LOGICAL:
            return _LOGICAL[logical](self.zone, kind)
        if kind == "enum":
            return _enum(schema)
        if kind == "fixed":
            return _fixed(schema)
        return _PRIMITIVES[kind]

    def _union(self, branches: list[Any]) -> Converter:
        takes_null = any(resolve(b, self.named) == "null" for b in branches)
        others = [self.build(b) for b in branches if resolve(b, self.named) != "null"]
        if len(others) == 1:
            only = others[0]

            def one(value: Any) -> Any:
                if value is None:
                    if takes_null:
                        return None
                    raise _problem(value, "allowed here")
                return only(value)

            return one

        def any_of(value: Any) -> Any:
            if value is None and takes_null:
                return None
            problems = []
            for branch in others:
                try:
                    return branch(value)
                except ValueProblem as exc:
                    problems.append(exc)
            raise problems[0] if problems else _problem(value, "allowed here")

        return any_of

    def _record(self, schema: Mapping[str, Any]) -> Converter:
        name = str(schema["name"])
        if name in self.records:  # built already, or being built (a recursive type)
            return lambda value: self.records[name](value)
        self.records[name] = _unfinished
        fields = [
            (
                str(field["name"]),
                self.build(field["type"]),
                "default" in field,
                takes_null(field["type"], self.named),
            )
            for field in schema["fields"]
        ]
        short = name.rsplit(".", 1)[-1]

        def record(value: Any) -> Any:
            if not isinstance(value, Mapping):
                raise _problem(value, f"a record {short}")
            out = {}
            for field_name, convert, has_default, nullable in fields:
                item = value.get(field_name)
                if item is None and not nullable:
                    if has_default:
                        continue  # the writer fills in the default
                    reason = "is missing" if field_name not in value else "is NULL"
                    raise ValueProblem(field_name, f"{reason}, and the schema needs a value")
                try:
                    out[field_name] = convert(item)
                except ValueProblem as exc:
                    raise exc.within(field_name) from None
            return out

        self.records[name] = record
        return record

    def _array(self, schema: Mapping[str, Any]) -> Converter:
        items = self.build(schema["items"])

        def array(value: Any) -> Any:
            if isinstance(value, str):
                value = _json(value)
            if not isinstance(value, list | tuple):
                raise _problem(value, "an array")
            try:
                return [items(item) for item in value]
            except ValueProblem as exc:
                raise exc.within("[]") from None

        return array

    def _map(self, schema: Mapping[str, Any]) -> Converter:
        values = self.build(schema["values"])

        def map_(value: Any) -> Any:
            if isinstance(value, str):
                value = _json(value)
            if not isinstance(value, Mapping):
                raise _problem(value, "a map")
            try:
                return {str(k): values(v) for k, v in value.items()}
            except ValueProblem as exc:
                raise exc.within("{}") from None

        return map_


def _unfinished(value: Any) -> Any:
    raise AssertionError("converter used before it was built")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise _problem(text, "JSON") from None


# -- logical types ---------------------------------------------------------------------


def _parse_datetime(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise _problem(value, "an ISO 8601 timestamp") from None


def _date(zone: dt.tzinfo, kind: str) -> Converter:
    as_int = _integer(kind)

    def date(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return (value.astimezone(zone) if value.tzinfo else value).date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return date(_parse_datetime(value))
        return as_int(value)

    return date


def _timestamp(zone: dt.tzinfo, kind: str) -> Converter:
    as_int = _integer(kind)

    def timestamp(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=zone)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=zone)
        if isinstance(value, str):
            return timestamp(_parse_datetime(value))
        return as_int(value)

    return timestamp


def _local_timestamp(zone: dt.tzinfo, kind: str) -> Converter:
    as_int = _integer(kind)

    def local(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
        if isinstance(value, str):
            return local(_parse_datetime(value))
        return as_int(value)

    return local


def _time(zone: dt.tzinfo, kind: str) -> Converter:
    as_int = _integer(kind)

    def time(value: Any) -> Any:
        if isinstance(value, dt.time):
            return value
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value)
            except ValueError:
                raise _problem(value, "an ISO 8601 time") from None
        return as_int(value)

    return time


def _decimal(zone: dt.tzinfo, kind: str) -> Converter:
    def number(value: Any) -> Any:
        if isinstance(value, decimal.Decimal):
            return value
        if isinstance(value, int | str) and not isinstance(value, bool):
            try:
                return decimal.Decimal(value)
            except decimal.InvalidOperation:
                pass
        raise _problem(value, "a decimal")

    return number


def _uuid(zone: dt.tzinfo, kind: str) -> Converter:
    def uuid_(value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return value
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        raise _problem(value, "a UUID")

    return uuid_


_LOGICAL: dict[str, Callable[[dt.tzinfo, str], Converter]] = {
    "date": _date,
    "timestamp-millis": _timestamp,
    "timestamp-micros": _timestamp,
    "local-timestamp-millis": _local_timestamp,
    "local-timestamp-micros": _local_timestamp,
    "time-millis": _time,
    "time-micros": _time,
    "decimal": _decimal,
    "uuid": _uuid,
}

# -- named and primitive types ---------------------------------------------------------


def _enum(schema: Mapping[str, Any]) -> Converter:
    symbols = frozenset(schema["symbols"])
    label = f"a symbol of {str(schema['name']).rsplit('.', 1)[-1]} ({', '.join(schema['symbols'])})"

    def enum(value: Any) -> Any:
        if isinstance(value, str) and value in symbols:
            return value
        raise _problem(value, label)

    return enum


def _fixed(schema: Mapping[str, Any]) -> Converter:
    size = int(schema["size"])

    def fixed(value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview) and len(value) == size:
            return bytes(value)
        raise _problem(value, f"{size} bytes")

    return fixed


def _integer(kind: str) -> Converter:
    limit = _INT_LIMITS.get(kind, 2**63)
    label = f"a{'n' if kind == 'int' else ''} {kind}"

    def integer(value: Any) -> Any:
        if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and -limit <= value < limit:
            return value
        raise _problem(value, label)

    return integer


def _null(value: Any) -> Any:
    if value is None:
        return None
    raise _problem(value, "null")


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise _problem(value, "a boolean")


def _floating(value: Any) -> Any:
    if isinstance(value, float):
        return value
    if isinstance(value, int | decimal.Decimal) and not isinstance(value, bool):
        return float(value)
    raise _problem(value, "a number")


def _string(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise _problem(value, "a string")


def _bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise _problem(value, "bytes")


_PRIMITIVES: dict[str, Converter] = {
    "null": _null,
    "boolean": _boolean,
    "int": _integer("int"),
    "long": _integer("long"),
    "float": _floating,
    "double": _floating,
    "string": _string,
    "bytes": _bytes,
}
