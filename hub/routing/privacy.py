"""Personal data a route may not pass on: masked or pseudonymised before delivery.

The catalog marks fields with ``hub.classification`` (``personal`` or ``sensitive``, see
``EventSchema.personal_fields``). Unless the route's ``personal_data.allow`` is set, every
marked field is replaced, at any depth: in nested records, in each item of an array and
each value of a map; a marked record has all of its values replaced. Strings become
``***`` (``mask``) or ``ps:`` and 16 hex digits of a keyed HMAC-SHA256 (``pseudonymise``:
the same value always gives the same pseudonym under one key, so targets can still join
on it). Null stays null. Values that are not strings keep their Avro type so the event
still encodes with its schema: null where the schema allows it, else zero, false, empty
bytes, the epoch (1970-01-01) for dates and times, or the enum's default symbol.

Each schema's masking is worked out once, as closures over the fields that need it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hmac
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from hub.config.routes import PersonalData
from hub.events import Catalog, Event, EventSchema
from hub.events.model import checked_event
from hub.events.rules import CLASSIFICATION, resolve, type_name

MASK = "***"
PSEUDONYM_PREFIX = "ps:"

Masker = Callable[[Any], Any]
_ZERO: dict[str, Any] = {
    "null": None,
    "boolean": False,
    "int": 0,
    "long": 0,
    "float": 0.0,
    "double": 0.0,
    "bytes": b"",
}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LOGICAL_ZERO: dict[str, Any] = {
    "date": _EPOCH.date(),
    "timestamp-millis": _EPOCH,
    "timestamp-micros": _EPOCH,
    "local-timestamp-millis": _EPOCH.replace(tzinfo=None),
    "local-timestamp-micros": _EPOCH.replace(tzinfo=None),
    "time-millis": dt.time(0),
    "time-micros": dt.time(0),
    "decimal": decimal.Decimal(0),
    "uuid": str(uuid.UUID(int=0)),
}
_SHAPES = {"string": "str", "enum": "str", "record": "dict", "error": "dict", "map": "dict"}
_SHAPES |= {"array": "list"}


class Protector:
    """Protects the personal data in events for one route, as its policy says."""

    def __init__(self, policy: PersonalData, catalog: Catalog) -> None:
        self._allow = policy.allow
        self._catalog = catalog
        if policy.mode == "pseudonymise":
            if policy.key is None:
                raise ValueError("personal_data.mode pseudonymise needs a key")
            self._string = pseudonymiser(policy.key.get_secret_value().encode())
        else:
            self._string = _mask
        self._plans: dict[str, _Plan] = {}

    def protect(self, event: Event) -> Event:
        """``event`` with its personal data replaced (or unchanged when the route may have it).

        Raises ``UnknownEventType`` for events the catalog does not know.
        """
        if self._allow:
            return event
        plan = self._plans.get(event.dataschema or event.type) or self._plan(event)
        if plan.masker is None:
            return event
        data = plan.masker(event.data)
        subject = event.subject
        if plan.masks_key and subject is not None:
            subject = data.get(plan.schema.key_field, subject)
        return checked_event(
            event.type,
            event.source,
            data,
            event.id,
            event.time,
            subject,
            event.dataschema,
            event.traceparent,
            event.extensions,
        )

    def masked_fields(self, schema: EventSchema) -> tuple[str, ...]:
        """The field paths ``protect`` replaces in events of ``schema`` (none when allowed)."""
        if self._allow:
            return ()
        return self._plan_for(schema).paths

    def _plan(self, event: Event) -> _Plan:
        if event.dataschema:
            schema = self._catalog.by_dataschema(event.dataschema)
        else:
            schema = self._catalog.by_type(event.type)
        plan = self._plan_for(schema)
        self._plans[event.dataschema or event.type] = plan
        return plan

    def _plan_for(self, schema: EventSchema) -> _Plan:
        plan = self._plans.get(schema.dataschema)
        if plan is None:
            plan = self._plans[schema.dataschema] = _Plan(schema, self._string)
        return plan


def pseudonymiser(key: bytes) -> Callable[[str], str]:
    """``ps:`` + the first 16 hex digits of HMAC-SHA256(key, value): stable per value."""

    def pseudonym(value: str) -> str:
        return PSEUDONYM_PREFIX + hmac.digest(key, value.encode(), "sha256").hex()[:16]

    return pseudonym


def _mask(value: str) -> str:
    return MASK


class _Plan:
    """How to protect one schema's data: a masker (None: nothing personal) and its paths."""

    def __init__(self, schema: EventSchema, string: Callable[[str], str]) -> None:
        self.schema = schema
        self._string = string
        self._named: Mapping[str, Any] = schema.parsed.get("__named_schemas", {})
        self._marked: list[str] = []
        self.masker = self._record(schema.parsed, "", {})
        self.paths = tuple(self._marked)
        self.masks_key = schema.key_field in self._marked
        for field in schema.personal_fields:  # the catalog's list and ours must agree
            if not any(_within(field.path, path) for path in self._marked):
                raise ValueError(f"{schema!r}: cannot find personal field {field.path} to mask")

    def _record(
        self, record: Any, prefix: str, stack: dict[str, list[Masker | None]]
    ) -> Masker | None:
        """A record's masker: its marked fields replaced, the others searched."""
        name = record["name"]
        if name in stack:  # a recursive type: defer to the masker being built above
            cell = stack[name]
            return lambda value: cell[0](value) if cell[0] is not None else value
        stack = {**stack, name: [None]}
        fields: list[tuple[str, Masker]] = []
        for field in record["fields"]:
            path = f"{prefix}{field['name']}"
            if field.get(CLASSIFICATION) is not None:
                self._marked.append(path)
                masker: Masker | None = self._whole(field["type"], {})
            else:
                masker = self._inner(field["type"], path, stack)
            if masker is not None:
                fields.append((field["name"], masker))
        built = stack[name][0] = _record_masker(tuple(fields)) if fields else None
        return built

    def _inner(
        self, schema: Any, path: str, stack: dict[str, list[Masker | None]]
    ) -> Masker | None:
        """A masker for what is marked inside an unmarked value, or None."""
        schema = resolve(schema, self._named)
        kind = type_name(schema)
        if kind in ("record", "error"):
            return self._record(schema, f"{path}.", stack)
        if kind == "array":
            items = self._inner(schema["items"], f"{path}[]", stack)
            return None if items is None else _array_masker(items)
        if kind == "map":
            values = self._inner(schema["values"], f"{path}{{}}", stack)
            return None if values is None else _map_masker(values)
        if kind == "union":
            found: dict[str, Masker] = {}
            for branch in schema:
                masker = self._inner(branch, path, stack)
                if masker is not None:
                    found.setdefault(self._shape(branch), masker)
            return _union_masker(found, _keep) if found else None
        return None

    def _whole(self, schema: Any, stack: dict[str, list[Masker | None]]) -> Masker:
        """A masker replacing every value in a marked field."""
        schema = resolve(schema, self._named)
        kind = type_name(schema)
        if kind == "string" and _logical(schema) is None:
            string = self._string
            return lambda value: string(value) if isinstance(value, str) else _null_or_mask(value)
        if kind in ("record", "error"):
            name = schema["name"]
            if name in stack:
                cell = stack[name]
                return lambda value: cell[0](value) if cell[0] is not None else value
            stack = {**stack, name: [None]}
            fields = tuple((f["name"], self._whole(f["type"], stack)) for f in schema["fields"])
            built = stack[name][0] = _record_masker(fields)
            return built
        if kind == "array":
            return _array_masker(self._whole(schema["items"], stack))
        if kind == "map":
            return _map_masker(self._whole(schema["values"], stack))
        if kind == "union":  # strings and containers by their branch; others null if allowed
            nullable = "null" in schema
            found: dict[str, Masker] = {}
            for branch in schema:
                shape = self._shape(branch)
                if branch != "null" and not (nullable and shape == "scalar"):
                    found.setdefault(shape, self._whole(branch, stack))
            otherwise = _null if nullable else next(iter(found.values()), _null)
            return _union_masker(found, otherwise)
        replacement = _replacement(schema, kind)
        return lambda value: None if value is None else replacement

    def _shape(self, schema: Any) -> str:
        """What values of ``schema`` look like in Python, to choose a union's branch."""
        return _SHAPES.get(type_name(resolve(schema, self._named)), "scalar")


def _replacement(schema: Any, kind: str) -> Any:
    logical = _logical(schema)
    if logical in _LOGICAL_ZERO:
        return _LOGICAL_ZERO[logical]
    if kind == "enum":
        return schema.get("default", schema["symbols"][0])
    if kind == "fixed":
        return bytes(schema["size"])
    return _ZERO.get(kind)


def _logical(schema: Any) -> Any:
    return schema.get("logicalType") if isinstance(schema, dict) else None


def _null_or_mask(value: Any) -> Any:
    return None if value is None else MASK


def _within(path: str, marked: str) -> bool:
    return path == marked or (path.startswith(marked) and path[len(marked)] in ".[{")


def _record_masker(fields: tuple[tuple[str, Masker], ...]) -> Masker:
    def mask_record(value: Any) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            return value
        masked = dict(value)
        for name, masker in fields:
            if name in masked:
                masked[name] = masker(masked[name])
        return masked

    return mask_record


def _array_masker(items: Masker) -> Masker:
    return lambda value: [items(item) for item in value] if isinstance(value, list) else value


def _map_masker(values: Masker) -> Masker:
    def mask_map(value: Any) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            return value
        return {key: values(item) for key, item in value.items()}

    return mask_map


def _union_masker(branches: Mapping[str, Masker], otherwise: Masker) -> Masker:
    """Masks a union's value with the branch of its shape; null stays null."""

    def mask_union(value: Any) -> Any:
        if value is None:
            return None
        masker = branches.get(_shape_of(value))
        return masker(value) if masker is not None else otherwise(value)

    return mask_union


def _shape_of(value: Any) -> str:
    if isinstance(value, str):
        return "str"
    if type(value) is dict or isinstance(value, Mapping):
        return "dict"
    return "list" if isinstance(value, list) else "scalar"


def _keep(value: Any) -> Any:
    return value


def _null(value: Any) -> None:
    return None
