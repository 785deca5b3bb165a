"""Does event data fit its schema? The first field that does not, by path.

The Avro writer stops at the first value it cannot write but does not say where it was,
and it coerces some values silently (a float into a long, an int too large for an int).
A ``Validator`` is compiled once per schema into nested checks and names the field at
fault, as ``fee.amountOre`` or ``parties[].name`` (paths as in ``hub.events.rules``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from hub.events.rules import resolve, type_name

# A check returns None when the value fits, else the path below it (innermost last) and why.
Failure = tuple[list[str], str]
Check = Callable[[Any], Failure | None]

_INT_LIMITS = {"int": 2**31, "long": 2**63}
_LOGICAL: dict[str, tuple[type, ...]] = {
    "date": (dt.date,),
    "time-millis": (dt.time,),
    "time-micros": (dt.time,),
    "timestamp-millis": (dt.datetime,),
    "timestamp-micros": (dt.datetime,),
    "local-timestamp-millis": (dt.datetime,),
    "local-timestamp-micros": (dt.datetime,),
    "decimal": (decimal.Decimal,),
    "uuid": (uuid.UUID, str),
}


class Validator:
    """Checks data against one parsed schema; compile once, call per event."""

    def __init__(self, parsed: Mapping[str, Any]) -> None:
        self._named = parsed.get("__named_schemas", {})
        self._compiled: dict[str, Check] = {}
        self._check = self._compile(parsed)

    def __call__(self, data: Any) -> tuple[str | None, str] | None:
        """``(field path, reason)`` for the first value that does not fit, or None."""
        failure = self._check(data)
        if failure is None:
            return None
        path, reason = failure
        return ".".join(reversed(path)).replace(".[]", "[]").replace(".{}", "{}") or None, reason

    def _compile(self, schema: Any) -> Check:
        name = schema if isinstance(schema, str) else None
        if name in self._compiled:
            return self._compiled[name]
        schema = resolve(schema, self._named)
        kind = type_name(schema)
        if kind == "record":
            return self._record(schema)
        if kind == "union":
            return _union([self._compile(b) for b in schema], _union_label(schema, self._named))
        if kind == "array":
            return _items(self._compile(schema["items"]), "[]", list | tuple, "an array (a list)")
        if kind == "map":
            return _items(self._compile(schema["values"]), "{}", Mapping, "a map (a mapping)")
        return _leaf(schema, kind)

    def _record(self, schema: Mapping[str, Any]) -> Check:
        fields: list[tuple[str, bool, Check]] = []

        def check(value: Any) -> Failure | None:
            if not isinstance(value, Mapping):
                return [], f"{_show(value)} is not a record {schema['name']} (a mapping)"
            for name, optional, field_check in fields:
                if optional and name not in value:
                    continue  # the writer fills in the default
                failure = field_check(value.get(name))
                if failure is not None:
                    failure[0].append(name)
                    return failure
            return None

        self._compiled[schema["name"]] = check  # before the fields: a type may refer to itself
        for field in schema["fields"]:
            fields.append((field["name"], "default" in field, self._compile(field["type"])))
        return check


def _union(branches: list[Check], label: str) -> Check:
    def check(value: Any) -> Failure | None:
        failures = []
        for branch in branches:
            failure = branch(value)
            if failure is None:
                return None
            failures.append(failure)
        if value is not None and len(branches) == 2 and branches[0](None) is None:
            return failures[1]  # an optional value: explain it against its one real type
        return [], f"{_show(value)} fits none of {label}"

    return check


def _items(item: Check, step: str, container: Any, label: str) -> Check:
    def check(value: Any) -> Failure | None:
        if not isinstance(value, container):
            return [], f"{_show(value)} is not {label}"
        for element in value.values() if step == "{}" else value:
            failure = item(element)
            if failure is not None:
                failure[0].append(step)
                return failure
        if step == "{}" and not all(isinstance(key, str) for key in value):
            return [], "map keys must be strings"
        return None

    return check


def _leaf(schema: Any, kind: str) -> Check:
    ok = _leaf_test(schema, kind)
    label = _label(schema, kind)

    def check(value: Any) -> Failure | None:
        return None if ok(value) else ([], f"{_show(value)} is not {label}")

    return check


def _leaf_test(schema: Any, kind: str) -> Callable[[Any], bool]:
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if logical in _LOGICAL:
        accepted = _LOGICAL[logical]
        return lambda v: isinstance(v, accepted)
    if kind == "enum":
        symbols = frozenset(schema["symbols"])
        return lambda v: isinstance(v, str) and v in symbols
    if kind == "fixed":
        size = schema["size"]
        return lambda v: isinstance(v, bytes | bytearray) and len(v) == size
    if kind in _INT_LIMITS:
        limit = _INT_LIMITS[kind]
        return lambda v: type(v) is int and -limit <= v < limit
    if kind in ("float", "double"):
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    types: dict[str, Any] = {
        "null": type(None),
        "boolean": bool,
        "string": str,
        "bytes": bytes | bytearray,
    }
    accepted_type = types[kind]
    return lambda v: isinstance(v, accepted_type)


def _union_label(branches: list[Any], named: Mapping[str, Any]) -> str:
    labels = []
    for branch in branches:
        resolved = resolve(branch, named)
        labels.append(_label(resolved, type_name(resolved)))
    return " | ".join(labels)


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
