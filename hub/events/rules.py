"""Walking an event schema's fields, and the catalog's rules for each schema.

Works on fastavro's parsed form of a schema: named types carry full names, later uses of
a named type are its full name, and ``__named_schemas`` maps names to definitions.

Field paths are dotted field names; ``[]`` after a name steps into an array's items and
``{}`` into a map's values; union branches are transparent. For example
``parties[].identityNumber`` is the identity number of each party.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_BUILT_IN = PRIMITIVES | {"record", "error", "enum", "array", "map", "fixed"}
CLASSIFICATION = "hub.classification"
CLASSIFICATIONS = ("personal", "sensitive")
_INT_RANGE = {"int": 2**31, "long": 2**63}


@dataclass(frozen=True)
class FieldInfo:
    """A field of the event, at any depth."""

    path: str
    field: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.field["name"])

    @property
    def depth(self) -> int:
        return self.path.count(".")

    @property
    def classification(self) -> str | None:
        value = self.field.get(CLASSIFICATION)
        return None if value is None else str(value)


@dataclass(frozen=True)
class PersonalField:
    """A field marked as personal data, for routes that mask it."""

    path: str
    classification: str


def resolve(schema: Any, named: Mapping[str, Any]) -> Any:
    """The definition behind a named-type reference; other schemas unchanged."""
    if isinstance(schema, str) and schema not in PRIMITIVES:
        return named[schema]
    if isinstance(schema, dict):
        kind = schema.get("type")
        if isinstance(kind, str) and kind not in _BUILT_IN:
            return named[kind]
    return schema


def type_name(schema: Any) -> str:
    """The Avro type of a (resolved) schema: a primitive, a complex type, or ``union``."""
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, str):
        return schema
    return str(schema["type"])


def walk_fields(parsed: Mapping[str, Any]) -> Iterator[FieldInfo]:
    """Every field of a parsed record schema, depth first, in declaration order."""
    named = parsed.get("__named_schemas", {})
    yield from _record_fields(parsed, "", named, ())


def _record_fields(
    record: Mapping[str, Any], prefix: str, named: Mapping[str, Any], stack: tuple[str, ...]
) -> Iterator[FieldInfo]:
    if record["name"] in stack:  # a recursive type: its fields are listed once, above
        return
    stack = (*stack, record["name"])
    for field in record["fields"]:
        path = f"{prefix}{field['name']}"
        yield FieldInfo(path, field)
        yield from _nested(field["type"], path, named, stack)


def _nested(
    schema: Any, path: str, named: Mapping[str, Any], stack: tuple[str, ...]
) -> Iterator[FieldInfo]:
    schema = resolve(schema, named)
    kind = type_name(schema)
    if kind == "union":
        for branch in schema:
            yield from _nested(branch, path, named, stack)
    elif kind == "record":
        yield from _record_fields(schema, f"{path}.", named, stack)
    elif kind == "array":
        yield from _nested(schema["items"], f"{path}[]", named, stack)
    elif kind == "map":
        yield from _nested(schema["values"], f"{path}{{}}", named, stack)


def _named_types(parsed: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from parsed.get("__named_schemas", {}).values()


def personal_fields(parsed: Mapping[str, Any]) -> tuple[PersonalField, ...]:
    """The fields marked with ``hub.classification``, with their paths."""
    return tuple(
        PersonalField(info.path, info.classification)
        for info in walk_fields(parsed)
        if info.classification is not None
    )


def lint(parsed: Mapping[str, Any]) -> list[str]:
    """What breaks the catalog's rules in one schema: docs, enum defaults, marks, defaults."""
    problems: list[str] = []
    named = parsed.get("__named_schemas", {})
    if not str(parsed.get("doc", "")).strip():
        problems.append(f"record {parsed['name']} has no doc: say what the event means")
    for info in walk_fields(parsed):
        if not str(info.field.get("doc", "")).strip():
            problems.append(f"field {info.path!r} has no doc")
        mark = info.field.get(CLASSIFICATION)
        if mark is not None and mark not in CLASSIFICATIONS:
            problems.append(
                f"field {info.path!r} has {CLASSIFICATION} {mark!r}; "
                f"use one of {', '.join(CLASSIFICATIONS)}"
            )
        if "default" in info.field:
            error = default_error(info.field["type"], info.field["default"], named)
            if error:
                problems.append(f"field {info.path!r}: default {info.field['default']!r} {error}")
    for definition in _named_types(parsed):
        if definition["type"] != "enum":
            continue
        default = definition.get("default")
        if default is None:
            problems.append(
                f"enum {definition['name']} has no default symbol: add one (e.g. UNKNOWN or "
                "OTHER) so the enum can grow without breaking older readers"
            )
        elif default not in definition["symbols"]:
            problems.append(f"enum {definition['name']}: default {default!r} is not a symbol")
    return problems


def default_error(schema: Any, value: Any, named: Mapping[str, Any]) -> str | None:
    """Why ``value`` is not a valid JSON default for ``schema`` (Avro spec), or None."""
    schema = resolve(schema, named)
    kind = type_name(schema)
    if kind == "union":
        error = default_error(schema[0], value, named)
        return f"{error} (a union's default must fit its first branch)" if error else None
    if kind == "record":
        return _record_default_error(schema, value, named)
    if kind in ("array", "map"):
        return _container_default_error(schema, kind, value, named)
    if kind == "enum":
        ok = isinstance(value, str) and value in schema["symbols"]
        return None if ok else f"is not a symbol of enum {schema['name']}"
    if kind == "fixed":
        ok = isinstance(value, str) and len(value) == schema["size"]
        return None if ok else f"is not a string of {schema['size']} characters"
    return None if _primitive_ok(kind, value) else f"is not a valid {kind}"


def _primitive_ok(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind in _INT_RANGE:
        limit = _INT_RANGE[kind]
        return isinstance(value, int) and -limit <= value < limit
    checks: dict[str, Any] = {
        "null": value is None,
        "float": isinstance(value, int | float),
        "double": isinstance(value, int | float),
        "bytes": isinstance(value, str),
        "string": isinstance(value, str),
    }
    return bool(checks.get(kind, False))


def _record_default_error(
    schema: Mapping[str, Any], value: Any, named: Mapping[str, Any]
) -> str | None:
    if not isinstance(value, dict):
        return f"is not an object for record {schema['name']}"
    for field in schema["fields"]:
        if field["name"] in value:
            error = default_error(field["type"], value[field["name"]], named)
            if error:
                return f"(at {field['name']!r}) {error}"
        elif "default" not in field:
            return f"lacks {field['name']!r}, which has no default of its own"
    return None


def _container_default_error(
    schema: Mapping[str, Any], kind: str, value: Any, named: Mapping[str, Any]
) -> str | None:
    if kind == "array":
        if not isinstance(value, list):
            return "is not a JSON array"
        items = [default_error(schema["items"], item, named) for item in value]
    else:
        if not isinstance(value, dict):
            return "is not a JSON object"
        items = [default_error(schema["values"], item, named) for item in value.values()]
    return next((f"has an item that {error}" for error in items if error), None)
