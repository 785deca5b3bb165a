"""Does event data fit its schema? The first field that does not, by path.

The Avro writer stops at the first value it cannot write but does not say where it was,
and it coerces some values silently (a float into a long, an int too large for an int).
This walks data and schema together and names the field, as ``fee.amountOre`` or
``parties[].name`` (paths as in ``hub.events.rules``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

from hub.events.rules import resolve, type_name

_INT_LIMITS = {"int": 2**31, "long": 2**63}
_LOGICAL: dict[str, tuple[type, ...]] = {
    "date": (dt.date, int),
    "time-millis": (dt.time, int),
    "time-micros": (dt.time, int),
    "timestamp-millis": (dt.datetime, int),
    "timestamp-micros": (dt.datetime, int),
    "local-timestamp-millis": (dt.datetime, int),
    "local-timestamp-micros": (dt.datetime, int),
    "decimal": (decimal.Decimal,),
    "uuid": (uuid.UUID, str),
}


def find_mismatch(parsed: Mapping[str, Any], data: Any) -> tuple[str | None, str] | None:
    """``(field path, reason)`` for the first value that does not fit, or None."""
    return _check(parsed, data, parsed.get("__named_schemas", {}), "")


def _check(
    schema: Any, value: Any, named: Mapping[str, Any], path: str
) -> tuple[str | None, str] | None:
    schema = resolve(schema, named)
    kind = type_name(schema)
    where = path or None
    if kind == "union":
        return _union(schema, value, named, path)
    if kind == "record":
        if not isinstance(value, Mapping):
            return where, f"{_show(value)} is not a record {schema['name']} (a mapping)"
        for field in schema["fields"]:
            name = field["name"]
            if name not in value and "default" in field:
                continue  # the writer fills in the default
            found = _check(
                field["type"], value.get(name), named, f"{path}.{name}" if path else name
            )
            if found:
                return found
        return None
    if kind == "array":
        if not isinstance(value, list | tuple):
            return where, f"{_show(value)} is not an array (a list)"
        return next(
            (f for v in value if (f := _check(schema["items"], v, named, f"{path}[]"))), None
        )
    if kind == "map":
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            return where, f"{_show(value)} is not a map (a mapping with string keys)"
        values = value.values()
        return next(
            (f for v in values if (f := _check(schema["values"], v, named, f"{path}{{}}"))), None
        )
    return (
        None
        if _leaf_ok(schema, kind, value)
        else (where, f"{_show(value)} is not {_label(schema, kind)}")
    )


def _union(
    branches: list[Any], value: Any, named: Mapping[str, Any], path: str
) -> tuple[str | None, str] | None:
    failures = [_check(branch, value, named, path) for branch in branches]
    if any(failure is None for failure in failures):
        return None
    if value is not None:
        # a value that fits no branch: explain it against the one non-null branch, if single
        real = [f for b, f in zip(branches, failures, strict=True) if resolve(b, named) != "null"]
        if len(real) == 1:
            return real[0]
    kinds = " | ".join(_label(resolve(b, named), type_name(resolve(b, named))) for b in branches)
    return path or None, f"{_show(value)} fits none of {kinds}"


def _leaf_ok(schema: Any, kind: str, value: Any) -> bool:
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if logical in _LOGICAL:
        accepted = _LOGICAL[logical]
        if isinstance(value, bool) or not isinstance(value, accepted):
            return False
        if isinstance(value, int):
            return _int_ok(kind, value)
        return True
    if kind == "enum":
        return isinstance(value, str) and value in schema["symbols"]
    if kind == "fixed":
        return isinstance(value, bytes | bytearray) and len(value) == schema["size"]
    if kind in _INT_LIMITS:
        return isinstance(value, int) and not isinstance(value, bool) and _int_ok(kind, value)
    if kind in ("float", "double"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    simple: dict[str, Any] = {"null": type(None), "boolean": bool, "string": str}
    if kind in simple:
        return isinstance(value, simple[kind])
    return kind == "bytes" and isinstance(value, bytes | bytearray)


def _int_ok(kind: str, value: int) -> bool:
    limit = _INT_LIMITS.get(kind, 2**63)
    return -limit <= value < limit


def _label(schema: Any, kind: str) -> str:
    if isinstance(schema, dict) and "logicalType" in schema:
        return f"a {schema['logicalType']}"
    if kind == "enum":
        return f"a symbol of {schema['name']} ({', '.join(schema['symbols'])})"
    if kind in ("record", "fixed"):
        return f"a {kind} {schema['name']}"
    return f"a{'n' if kind[0] in 'aeiou' else ''} {kind}"


def _show(value: Any) -> str:
    if value is None:
        return "null (missing)"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"
