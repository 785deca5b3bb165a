"""Declared transforms: the JSON shape a route's target receives, built without code.

A transform maps output field names to what goes there::

    caseId: data.caseNumber                       # a path, as in filters
    kind: {const: bygglov}                        # a constant
    text: {template: "Bygglov {data.caseNumber} beviljat {data.decidedOn}"}
    municipality.code: data.municipality.code     # dotted names build nested objects

Paths are checked against every event schema the route reads when the transform
compiles. Values come out JSON-compatible (``to_json_value``): dates as ISO 8601,
timestamps as RFC 3339 in UTC, bytes as base64, enums as their symbols. Without a
transform the target receives the whole event in CloudEvents JSON (``cloudevent_json``).
"""

from __future__ import annotations

import base64
import enum
import json
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from hub.events import Event, EventSchema
from hub.routing.paths import Getter, PathError, event_name, resolve_path

Value = Callable[[Event, "str | None"], Any]

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_SPEC_HELP = "a path such as data.caseNumber, {const: value} or {template: '... {data.x} ...'}"


class TransformError(ValueError):
    """A transform that cannot be used; ``field`` is the output field, ``path`` the path."""

    def __init__(self, field: str | None, message: str, path: str | None = None) -> None:
        self.field = field
        self.path = path
        self.message = message
        super().__init__(f"transform output field {field!r}: {message}" if field else message)


class Transform:
    """A compiled transform: ``apply`` builds a target's payload from an event."""

    __slots__ = ("_names", "_outputs", "_uses_name")

    def __init__(
        self,
        outputs: Sequence[tuple[tuple[str, ...], Value]] | None,
        names: Mapping[str, str],
        uses_name: bool,
    ) -> None:
        # (the enclosing objects' keys, the field's own key, its value), worked out once
        self._outputs = (
            None
            if outputs is None
            else tuple((keys[:-1], keys[-1], value) for keys, value in outputs)
        )
        self._names = names
        self._uses_name = uses_name

    def apply(self, event: Event) -> dict[str, Any]:
        """The payload for ``event``: JSON-compatible values only."""
        if self._outputs is None:
            return cloudevent_json(event)
        name = None
        if self._uses_name:
            name = self._names.get(event.type) or event_name(event.type)
        payload: dict[str, Any] = {}
        for parents, key, value in self._outputs:
            target = payload
            for parent in parents:
                target = target.setdefault(parent, {})
            target[key] = value(event, name)
        return payload


def compile_transform(spec: Mapping[str, Any] | None, schemas: Sequence[EventSchema]) -> Transform:
    """Check ``spec`` against the route's ``schemas``; raises TransformError."""
    names = {schema.type: schema.name for schema in schemas}
    if spec is None:
        return Transform(None, names, uses_name=False)
    if not isinstance(spec, Mapping) or not spec:
        raise TransformError(
            None,
            "a transform maps output field names to values; leave it out to deliver the "
            "whole event as CloudEvents JSON",
        )
    outputs: list[tuple[tuple[str, ...], Value]] = []
    uses_name = False
    for field, declared in spec.items():
        keys = _output_keys(field)
        value, paths = _value(field, declared, schemas)
        uses_name |= "event" in paths
        outputs.append((keys, value))
    _check_nesting([keys for keys, _ in outputs])
    return Transform(outputs, names, uses_name)


def _output_keys(field: Any) -> tuple[str, ...]:
    keys = tuple(field.split(".")) if isinstance(field, str) else ()
    if not keys or not all(key.strip() for key in keys):
        raise TransformError(
            str(field), "output field names are non-empty, dotted for nested objects (a.b)"
        )
    return keys


def _check_nesting(outputs: list[tuple[str, ...]]) -> None:
    leaves = {keys: ".".join(keys) for keys in outputs}
    for keys in outputs:
        for depth in range(1, len(keys)):
            if keys[:depth] in leaves:
                parent = leaves[keys[:depth]]
                raise TransformError(
                    leaves[keys], f"{parent} is a value of its own, so it cannot hold fields"
                )


def _value(field: str, declared: Any, schemas: Sequence[EventSchema]) -> tuple[Value, list[str]]:
    """How to compute one output field, and the paths it reads."""
    if isinstance(declared, str):
        get = _getter(field, declared.strip(), schemas)
        return (lambda event, name: to_json_value(get(event, name))), [declared.strip()]
    if isinstance(declared, Mapping) and len(declared) == 1:
        [(kind, argument)] = declared.items()
        if kind == "const":
            try:
                constant = to_json_value(argument)
            except TypeError as exc:
                raise TransformError(field, f"the constant is not JSON: {exc}") from None
            if constant is None or type(constant) in (str, int, float, bool):
                return (lambda event, name: constant), []  # immutable: shared safely
            return (lambda event, name: to_json_value(constant)), []  # a fresh copy each time
        if kind == "template" and isinstance(argument, str):
            return _template(field, argument, schemas)
        if kind == "template":
            raise TransformError(field, f"a template is a string, not {argument!r}")
    if isinstance(declared, Mapping) and declared and not {"const", "template"} & set(declared):
        hint = f"; for nested output write dotted names ({field}.{next(iter(declared))})"
        raise TransformError(field, f"expected {_SPEC_HELP}{hint}")
    raise TransformError(field, f"expected {_SPEC_HELP}, not {declared!r}")


def _getter(field: str, path: str, schemas: Sequence[EventSchema]) -> Getter:
    try:
        return resolve_path(path, schemas)[0]
    except PathError as exc:
        raise TransformError(field, exc.message, path) from None


def _template(field: str, text: str, schemas: Sequence[EventSchema]) -> tuple[Value, list[str]]:
    parts: list[str | Getter] = []
    paths: list[str] = []
    end = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[end : match.start()])
        end = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            raise TransformError(
                field,
                f"unmatched {token} at position {match.start() + 1} of the template; "
                f"write {token * 2} for a literal brace",
            )
        else:
            path = match.group(1).strip()
            if not path:
                raise TransformError(field, "an empty {} in the template: write {data.<field>}")
            parts.append(_getter(field, path, schemas))
            paths.append(path)
    parts.append(text[end:])
    getters = tuple(part for part in parts if not isinstance(part, str))
    form = "".join(
        part.replace("{", "{{").replace("}", "}}") if isinstance(part, str) else "{}"
        for part in parts
    )

    def render(event: Event, name: str | None) -> str:
        return form.format(*[_text(get(event, name)) for get in getters])

    return render, paths


def _text(value: Any) -> str:
    """A value in a template: as JSON shows it, without quotes around strings; null empty."""
    if type(value) is str:
        return value
    value = to_json_value(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def cloudevent_json(event: Event) -> dict[str, Any]:
    """The event in the CloudEvents JSON format, its data as JSON values."""
    payload: dict[str, Any] = {
        "specversion": "1.0",
        "id": event.id,
        "type": event.type,
        "source": event.source,
    }
    if event.subject is not None:
        payload["subject"] = event.subject
    payload["time"] = rfc3339(event.time)
    if event.dataschema is not None:
        payload["dataschema"] = event.dataschema
    if event.traceparent is not None:
        payload["traceparent"] = event.traceparent
    payload.update(event.extensions)
    payload["data"] = to_json_value(event.data)
    return payload


def rfc3339(moment: datetime) -> str:
    """A timestamp in RFC 3339, in UTC with a ``Z`` (naive datetimes stay as written)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.isoformat()
    return moment.astimezone(UTC).isoformat()[:-6] + "Z"


def to_json_value(value: Any) -> Any:
    """``value`` as JSON-compatible Python values (dict, list, str, int, float, bool, None).

    Dates become ISO 8601 (``2026-03-01``), datetimes RFC 3339 (``2026-03-01T09:30:00Z``),
    bytes base64, decimals and UUIDs strings, Python enums their names; floats that are not
    finite become null. Anything else raises TypeError.
    """
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is dict or isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [to_json_value(item) for item in value]
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is date:
        return value.isoformat()
    if kind is datetime:
        return rfc3339(value)
    return _other(value)


def _other(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(item) for item in value]
    raise TypeError(f"{type(value).__name__} value {value!r} has no JSON form")
