"""JSON values (from HTTP bodies, YAML, outbox payloads) to what the Avro writer expects.

JSON has no dates, no timestamps and no bytes, so the portal sends them as text and the
schema says what each string means:

* ``{"type": "int", "logicalType": "date"}``: ``"2026-03-01"`` -> ``datetime.date``;
* ``timestamp-millis`` / ``timestamp-micros``: RFC 3339 with an offset,
  ``"2026-03-01T09:30:00Z"`` or ``"...+01:00"`` -> an aware ``datetime``;
* ``local-timestamp-*``: the same without an offset -> a naive ``datetime``;
* ``time-millis`` / ``time-micros``: ``"09:30:00"`` -> ``datetime.time``;
* ``decimal``: a JSON number or a decimal string -> ``decimal.Decimal``;
* ``bytes`` and ``fixed``: a string of code points 0–255, as in Avro's JSON encoding;
* enums: the symbol's name; unions: ``null`` or a value of one of the other branches,
  tried in the schema's order (no ``{"type": value}`` wrapping).

Conversion is strict, since the event is stored as it arrives: a value of the wrong JSON
type, a missing required field or a field the schema does not have is an
:class:`InvalidValue` naming the field. Fields left out that have a default are left
out; the Avro writer fills in the default.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from hub.events.rules import resolve, type_name


class Key(str):
    """A map key in a path (shown as ``answers["q1"]``, not as a field name)."""

    __slots__ = ()


T = TypeVar("T")
PathPart = str | int
Path = tuple[PathPart, ...]


class InvalidValue(Exception):
    """A value that does not fit the schema (or the envelope), and where it is."""

    def __init__(self, path: Sequence[PathPart], reason: str) -> None:
        self.path: Path = tuple(path)
        self.reason = reason
        super().__init__(f"{self.field or 'the value'}: {reason}")

    @property
    def field(self) -> str:
        """``data.attachments[0].sizeBytes``, ``data.answers["q1"]``; empty for the root."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            elif isinstance(part, Key):
                out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
            else:
                out += f".{part}" if out else part
        return out

    @property
    def pointer(self) -> str:
        """The RFC 6901 JSON Pointer of the value in the request body."""
        escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in self.path)
        return "".join(f"/{p}" for p in escaped)


Converter = Callable[[Any, Path], Any]
"""A compiled conversion: ``convert(value, path)``, ``path`` where ``value`` is."""


def to_avro(parsed: Mapping[str, Any], value: Any, path: Path = ()) -> Any:
    """``value`` (parsed JSON) in the form fastavro writes with the ``parsed`` schema."""
    return converter(parsed)(value, path)


def converter(parsed: Mapping[str, Any]) -> Converter:
    """The conversion for the ``parsed`` schema, worked out once per schema object.

    Compiling walks the schema once into closures, one per type, so converting a value
    does not look its schema up again.
    """
    entry = _COMPILED.get(id(parsed))
    if entry is not None and entry[0] is parsed:
        return entry[1]
    convert = _Compiler(parsed.get("__named_schemas", {})).compile(parsed)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()  # schemas are few and long-lived; this only bounds a pathology
    _COMPILED[id(parsed)] = (parsed, convert)
    return convert


_COMPILED: dict[int, tuple[Mapping[str, Any], Converter]] = {}
_COMPILED_MAX = 256


class _Compiler:
    def __init__(self, named: Mapping[str, Any]) -> None:
        self.named = named
        self.records: dict[str, Converter] = {}

    def compile(self, schema: Any) -> Converter:
        schema = resolve(schema, self.named)
        kind = type_name(schema)
        if kind == "union":
            return self._union(schema)
        if kind == "record":
            return self._record(schema)
        if kind == "array":
            return _array(self.compile(schema["items"]))
        if kind == "map":
            return _map(self.compile(schema["values"]))
        logical = schema.get("logicalType") if isinstance(schema, dict) else None
        if isinstance(logical, str) and logical in _LOGICAL:
            return partial(_LOGICAL[logical], schema)
        if kind == "enum":
            return _enum(schema["symbols"])
        if kind == "fixed":
            return partial(_fixed, schema["size"])
        return _PRIMITIVE.get(kind) or partial(_unsupported, kind)

    def _record(self, schema: Mapping[str, Any]) -> Converter:
        name = schema["name"]
        done = self.records.get(name)
        if done is not None:
            return done
        compiled: list[Converter] = []  # a recursive type refers to itself while compiling

        def later(value: Any, path: Path) -> Any:
            return compiled[0](value, path)

        self.records[name] = later
        fields = tuple(
            (field["name"], self.compile(field["type"]), "default" in field)
            for field in schema["fields"]
        )
        convert = _record(fields)
        compiled.append(convert)
        self.records[name] = convert
        return convert

    def _union(self, branches: list[Any]) -> Converter:
        nullable = "null" in branches
        tried = tuple(self.compile(branch) for branch in branches if branch != "null")
        labels = " or ".join(_label(resolve(branch, self.named)) for branch in branches)

        def convert_union(value: Any, path: Path) -> Any:
            if value is None and nullable:
                return None
            failures: list[InvalidValue] = []
            for convert in tried:
                try:
                    return convert(value, path)
                except InvalidValue as exc:
                    failures.append(exc)
            if len(failures) == 1:
                raise failures[0]
            if failures:
                deepest = max(failures, key=lambda f: len(f.path))
                if len(deepest.path) > len(path):
                    raise deepest  # a record branch that matched up to a nested field
            raise InvalidValue(path, f"expected {labels}; got {_show(value)}")

        return convert_union


def _record(fields: tuple[tuple[str, Converter, bool], ...]) -> Converter:
    names = frozenset(name for name, _, _ in fields)
    known = ", ".join(name for name, _, _ in fields)

    def convert_record(value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            raise InvalidValue(path, f"expected an object, got {_show(value)}")
        if not names.issuperset(value):
            unknown = next(key for key in value if key not in names)
            raise InvalidValue((*path, unknown), f"the schema has no such field (it has {known})")
        out: dict[str, Any] = {}
        for name, convert, has_default in fields:
            if name in value:
                out[name] = convert(value[name], (*path, name))
            elif not has_default:
                raise InvalidValue((*path, name), "required field is missing")
            # else: left out, the writer fills in the default
        return out

    return convert_record


def _array(items: Converter) -> Converter:
    def convert_array(value: Any, path: Path) -> Any:
        if not isinstance(value, list):
            raise InvalidValue(path, f"expected an array, got {_show(value)}")
        return [items(item, (*path, index)) for index, item in enumerate(value)]

    return convert_array


def _map(values: Converter) -> Converter:
    def convert_map(value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            raise InvalidValue(path, f"expected an object (a map), got {_show(value)}")
        return {key: values(item, (*path, Key(key))) for key, item in value.items()}

    return convert_map


def _enum(symbols: Sequence[str]) -> Converter:
    allowed = frozenset(symbols)
    listed = ", ".join(symbols)

    def convert_enum(value: Any, path: Path) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        raise InvalidValue(path, f"expected one of {listed}; got {_show(value)}")

    return convert_enum


def _fixed(size: int, value: Any, path: Path) -> bytes:
    raw = _latin1(value, path)
    if len(raw) != size:
        raise InvalidValue(path, f"expected {size} bytes, got {len(raw)}")
    return raw


def _unsupported(kind: str, value: Any, path: Path) -> Any:
    raise InvalidValue(path, f"the schema's type {kind!r} cannot be sent as JSON")


def _integer(kind: str) -> Converter:
    limit = 2**31 if kind == "int" else 2**63

    def convert_integer(value: Any, path: Path) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if -limit <= value < limit:
                return value
            raise InvalidValue(path, f"{value} is out of range for an Avro {kind}")
        raise InvalidValue(path, f"expected an integer, got {_show(value)}")

    return convert_integer


def _number(value: Any, path: Path) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise InvalidValue(path, f"expected a number, got {_show(value)}")


def _string(value: Any, path: Path) -> str:
    if isinstance(value, str):
        return value
    raise InvalidValue(path, f"expected a string, got {_show(value)}")


def _boolean(value: Any, path: Path) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidValue(path, f"expected true or false, got {_show(value)}")


def _null(value: Any, path: Path) -> None:
    if value is None:
        return None
    raise InvalidValue(path, f"expected null, got {_show(value)}")


def _latin1(value: Any, path: Path) -> bytes:
    if isinstance(value, str):
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError:
            pass
    raise InvalidValue(path, f"expected a string of code points 0-255 (bytes), got {_show(value)}")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = r"\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
_TIME_ONLY = re.compile(_TIME, re.ASCII)
_LOCAL = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}[Tt ]{_TIME}", re.ASCII)
_OFFSET = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}[Tt ]{_TIME}(?:[Zz]|[+-]\d{{2}}:\d{{2}})", re.ASCII)


def _date(schema: Any, value: Any, path: Path) -> dt.date:
    text = _matching(value, _DATE, path, "an ISO 8601 date like 2026-03-01")
    return _parsed(dt.date.fromisoformat, text, path)


def rfc3339(value: Any, path: Path) -> dt.datetime:
    """An RFC 3339 timestamp (with an offset) as an aware ``datetime``."""
    text = _matching(value, _OFFSET, path, "an RFC 3339 timestamp like 2026-03-01T09:30:00Z")
    return _parsed(dt.datetime.fromisoformat, _micros(text.upper()), path)


def _timestamp(schema: Any, value: Any, path: Path) -> dt.datetime:
    return rfc3339(value, path)


def _local_timestamp(schema: Any, value: Any, path: Path) -> dt.datetime:
    text = _matching(value, _LOCAL, path, "a date and time without offset (2026-03-01T09:30:00)")
    return _parsed(dt.datetime.fromisoformat, _micros(text.upper()), path)


def _time(schema: Any, value: Any, path: Path) -> dt.time:
    text = _matching(value, _TIME_ONLY, path, "a time of day like 09:30:00")
    return _parsed(dt.time.fromisoformat, _micros(text), path)


def _uuid(schema: Any, value: Any, path: Path) -> str:
    if isinstance(value, str):
        try:
            uuid.UUID(value)
        except ValueError:
            pass
        else:
            return value
    raise InvalidValue(path, f"expected a UUID like 6f1c2a52-9d8e-4f0b-..., got {_show(value)}")


def _decimal(schema: Any, value: Any, path: Path) -> decimal.Decimal:
    number = None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise InvalidValue(path, f"expected a decimal number, got {_show(value)}")
    scale = int(schema.get("scale", 0))
    precision = int(schema.get("precision", 0))
    if -int(number.as_tuple().exponent) > scale:
        raise InvalidValue(path, f"{value} has more than {scale} decimal places")
    digits = number.adjusted() + 1 + scale if number else 0  # of the unscaled integer
    if precision and digits > precision:
        raise InvalidValue(path, f"{value} has more than {precision} significant digits")
    return number


_LOGICAL: dict[str, Callable[[Any, Any, Path], Any]] = {
    "date": _date,
    "timestamp-millis": _timestamp,
    "timestamp-micros": _timestamp,
    "local-timestamp-millis": _local_timestamp,
    "local-timestamp-micros": _local_timestamp,
    "time-millis": _time,
    "time-micros": _time,
    "uuid": _uuid,
    "decimal": _decimal,
}
_PRIMITIVE: dict[str, Converter] = {
    "int": _integer("int"),
    "long": _integer("long"),
    "float": _number,
    "double": _number,
    "string": _string,
    "boolean": _boolean,
    "null": _null,
    "bytes": _latin1,
}


def _matching(value: Any, pattern: re.Pattern[str], path: Path, what: str) -> str:
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    raise InvalidValue(path, f"expected {what}, got {_show(value)}")


def _parsed(parse: Callable[[str], T], text: str, path: Path) -> T:
    try:
        return parse(text)
    except ValueError as exc:
        raise InvalidValue(path, f"{text!r} is not a valid date or time: {exc}") from None


def _micros(text: str) -> str:
    """Fractions of a second cut to the microseconds Python keeps (RFC 3339 allows more)."""
    head, dot, rest = text.partition(".")
    if not dot:
        return text
    digits = len(rest) - len(rest.lstrip("0123456789"))
    return f"{head}.{rest[:digits][:6]}{rest[digits:]}"


def _label(schema: Any) -> str:
    kind = type_name(schema)
    if isinstance(schema, dict) and "logicalType" in schema:
        return f"a {schema['logicalType']}"
    if kind in ("record", "enum", "fixed"):
        return f"{kind} {str(schema['name']).rsplit('.', 1)[-1]}"
    return {"null": "null", "array": "an array", "map": "an object"}.get(kind, f"a {kind}")


def _show(value: Any) -> str:
    """A JSON value for a message: its JSON type and a short excerpt."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    kind = "a string" if isinstance(value, str) else "a number"
    text = json.dumps(value, ensure_ascii=False)
    return f"{text if len(text) <= 60 else text[:57] + '...'} ({kind})"
