"""Checks of the configuration against the event catalog (when the source opens) and
against the table's columns (on the first poll that reaches the database).

A configuration that cannot work stops the connector with a :class:`FatalError` that
lists every problem by its path in the connector's ``config`` (``config.mapping.fields.
caseNumber``), rather than sending each row to the dead-letter topic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.sql_poll.avro_fields import field_at, record_of, takes_null
from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.convert import ValueProblem, converter
from connectors.sql_poll.event_config import ColumnValue, ConstValue, EventMapping, TemplateValue
from connectors.sql_poll.outbox import event_schema
from hub.events import Catalog, EventError, EventSchema
from hub.events.rules import resolve, type_name
from hub.sdk import FatalError

_TEXT_LOGICAL = frozenset(
    {"date", "timestamp-millis", "timestamp-micros", "time-millis", "time-micros", "uuid"}
)


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str


def misconfigured(connector: str, what: str, problems: Sequence[ConfigProblem]) -> FatalError:
    lines = "\n".join(f"  {p.path}: {p.message}" for p in problems)
    return FatalError(
        f"connector {connector}: the configuration does not fit {what} "
        f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{lines}\n"
        "  fix: correct these in the connector's config in hub.yaml and restart"
    )


def mapping_schema(
    mapping: EventMapping, catalog: Catalog, zone: dt.tzinfo
) -> tuple[EventSchema | None, list[ConfigProblem]]:
    """The mapping's event schema, and every way the mapping does not fit it."""
    try:
        schema = event_schema(catalog, mapping.event, mapping.version)
    except EventError as exc:
        known = mapping.version is not None and _event_known(catalog, mapping.event)
        path = "config.mapping.version" if known else "config.mapping.event"
        return None, [ConfigProblem(path, str(exc))]
    problems: list[ConfigProblem] = []
    named: Mapping[str, Any] = schema.parsed.get("__named_schemas", {})
    for path, value in mapping.fields.items():
        where = f"config.mapping.fields.{path}"
        found = field_at(schema.parsed, path, named)
        if isinstance(found, str):
            problems.append(ConfigProblem(where, found))
            continue
        if isinstance(value, ConstValue):
            try:
                converter(found["type"], named, zone)(value.const)
            except ValueProblem as exc:
                inner = f" at {exc.path}" if exc.path else ""
                problems.append(
                    ConfigProblem(where, f"the constant does not fit{inner}: {exc.reason}")
                )
        elif isinstance(value, TemplateValue) and not _takes_text(found["type"], named):
            problems.append(ConfigProblem(where, f"a template makes text, and {path} is not text"))
    unfilled = _unfilled(schema.parsed, "", set(mapping.fields), named)
    if unfilled:
        needs = ", ".join(unfilled)
        them = "them" if len(unfilled) > 1 else "it"
        problems.append(
            ConfigProblem(
                "config.mapping.fields",
                f"{schema.name} v{schema.version} needs {needs} (no default): map {them}",
            )
        )
    return schema, problems


def _event_known(catalog: Catalog, name: str) -> bool:
    try:
        event_schema(catalog, name)
    except EventError:
        return False
    return True


def _takes_text(schema: Any, named: Mapping[str, Any]) -> bool:
    schema = resolve(schema, named)
    if isinstance(schema, list):
        return any(_takes_text(branch, named) for branch in schema)
    if isinstance(schema, dict) and schema.get("logicalType") in _TEXT_LOGICAL:
        return True
    return type_name(schema) in ("string", "enum")


def _unfilled(
    record: Mapping[str, Any], prefix: str, mapped: set[str], named: Mapping[str, Any]
) -> list[str]:
    """Fields with no default and no null that the mapping leaves empty."""
    out = []
    for field in record["fields"]:
        path = f"{prefix}{field['name']}"
        if path in mapped:
            continue
        inner = record_of(field["type"], named)
        if inner is not None and any(m.startswith(path + ".") for m in mapped):
            out += _unfilled(inner, path + ".", mapped, named)
            continue
        if "default" not in field and not takes_null(field["type"], named):
            out.append(path)
    return out


def column_problems(
    config: SqlPollConfig, found: Collection[str], table: str
) -> list[ConfigProblem]:
    """Every configured column the table does not have, by its place in the config."""
    named: list[tuple[str, str]] = []
    if config.id_column:
        named.append(("config.id_column", config.id_column))
    if config.timestamp_column:
        named.append(("config.timestamp_column", config.timestamp_column))
    if config.mapping is not None:
        for path, value in config.mapping.fields.items():
            for column in _columns_of(value):
                named.append((f"config.mapping.fields.{path}", column))
    if config.outbox is not None:
        for attr in ("event_type_column", "aggregate_id_column", "payload_column"):
            named.append((f"config.outbox.{attr}", getattr(config.outbox, attr)))
        if config.outbox.event_id_column:
            named.append(("config.outbox.event_id_column", config.outbox.event_id_column))
    named += [(f"config.columns[{i}]", c) for i, c in enumerate(config.columns or ())]
    problems = []
    for path, column in named:
        if column in found:
            continue
        close = [c for c in found if c.lower() == column.lower()]
        hint = f"did you mean {close[0]!r}?" if close else f"its columns: {', '.join(found)}"
        problems.append(ConfigProblem(path, f"table {table} has no column {column!r}; {hint}"))
    return problems


def _columns_of(value: str | ColumnValue | ConstValue | TemplateValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, ColumnValue):
        return [value.column]
    if isinstance(value, TemplateValue):
        return value.columns
    return []
