"""Configuration of how a row becomes an event: a declarative mapping (each event field
from a column, a constant or a template) or the columns of a transactional outbox table.

Part of the ``sql-poll`` configuration (``connectors.sql_poll.config``); names are checked
against the event catalog when the source opens (``connectors.sql_poll.checks``).
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def column_name(value: str) -> str:
    """``value`` when it is a plain column name (ValueError otherwise)."""
    if not NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a column name (letters, digits, '_', '$')")
    return value


class ColumnValue(BaseModel):
    """A field filled from a column, optionally translating the column's values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(
        description="Column whose value becomes the field's value.", examples=["diarienr"]
    )
    values: dict[str, Any] | None = Field(
        None,
        description="Translation of the column's values (compared as text) to the event's; "
        "values not listed pass unchanged.",
        examples=[{"O": "OPEN", "P": "IN_PROGRESS", "A": "CLOSED"}],
    )

    @field_validator("column")
    @classmethod
    def _name(cls, value: str) -> str:
        return column_name(value)


class ConstValue(BaseModel):
    """A field with the same value in every event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    const: Any = Field(description="The value, as the event schema expects it.", examples=["2480"])


class TemplateValue(BaseModel):
    """A text field put together from columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str = Field(
        description="Python format string over column names. A NULL column reads as empty "
        "text; when every column is NULL the field is null. The result is stripped.",
        examples=["{first_name} {last_name}"],
    )

    @field_validator("template")
    @classmethod
    def _columns_named(cls, value: str) -> str:
        template_columns(value)
        return value

    @property
    def columns(self) -> list[str]:
        return template_columns(self.template)


def template_columns(template: str) -> list[str]:
    """The column names a template refers to, in order (ValueError for a bad template)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"template {template!r}: {exc}") from None
    names = [name for _, name, _, _ in parts if name is not None]
    if not names:
        raise ValueError(f"template {template!r} names no column: write {{column}}")
    for name in names:
        if not NAME.fullmatch(name):
            raise ValueError(f"template {template!r}: {{{name}}} is not a plain column name")
    return names


def _value_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        for kind in ("column", "const", "template"):
            if kind in value:
                return kind
        return None
    if isinstance(value, ColumnValue | ConstValue | TemplateValue):
        return {ColumnValue: "column", ConstValue: "const", TemplateValue: "template"}[type(value)]
    return None


FieldValue = Annotated[
    Annotated[Annotated[str, Field(pattern=f"^{NAME.pattern}$")], Tag("name")]
    | Annotated[ColumnValue, Tag("column")]
    | Annotated[ConstValue, Tag("const")]
    | Annotated[TemplateValue, Tag("template")],
    Discriminator(
        _value_kind,
        custom_error_type="field_value",
        custom_error_message="a field's value is a column name, {column: NAME}, "
        "{const: VALUE} or {template: '{col} {col}'}",
    ),
]


class EventMapping(BaseModel):
    """How a row becomes an event: which event, and where each field's value comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str = Field(
        description="The catalog event each row becomes: its name or its full CloudEvents type.",
        examples=["CaseOpened", "se.kommun.hub.registry.CaseOpened.v1"],
    )
    version: int | None = Field(
        None, ge=1, description="Schema version to write (default: the latest).", examples=[1]
    )
    fields: dict[str, FieldValue] = Field(
        min_length=1,
        description="Event field (dotted path for nested records) -> a column name, "
        "{column: NAME, values: {...}}, {const: VALUE} or {template: '{col} {col}'}. "
        "Fields left out take their schema default; dates and timestamps may come from "
        "date/timestamp columns or ISO 8601 text.",
        examples=[
            {
                "caseNumber": "diarienr",
                "municipality.code": {"const": "2480"},
                "municipality.organisationNumber": {"const": "212000-2627"},
                "openedAt": "registrerad",
                "title": {"template": "{arende_typ}: {rubrik}"},
            }
        ],
    )

    @field_validator("fields")
    @classmethod
    def _paths(cls, fields: dict[str, Any]) -> dict[str, Any]:
        for path in fields:
            if not FIELD_PATH.fullmatch(path):
                raise ValueError(
                    f"{path!r} is not a field path like caseNumber or municipality.code"
                )
        for path in fields:
            for other in fields:
                if other.startswith(path + "."):
                    raise ValueError(f"{path!r} and {other!r} both fill {other!r}: keep one")
        return fields


class OutboxColumns(BaseModel):
    """A transactional outbox table: the application writes each event as a row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type_column: str = Field(
        "type",
        description="Column naming the catalog event: its name or full CloudEvents type.",
        examples=["type"],
    )
    aggregate_id_column: str = Field(
        "aggregateid",
        description="Column with the aggregate's id: the event's key and subject (it fills "
        "the event's key field when the payload leaves it out).",
        examples=["aggregateid"],
    )
    payload_column: str = Field(
        "payload",
        description="Column with the event data as JSON (json, jsonb or text); ISO 8601 "
        "dates and timestamps become the schema's date and timestamp values.",
        examples=["payload"],
    )
    event_id_column: str | None = Field(
        None,
        description="Column with a unique event id (e.g. a UUID); default: an id derived "
        "from the table, the row's id and timestamp.",
        examples=["event_id"],
    )

    @field_validator("event_type_column", "aggregate_id_column", "payload_column")
    @classmethod
    def _names(cls, value: str) -> str:
        return column_name(value)
