"""Configuration of the ``sql-poll`` source: where the rows are, how new ones are found,
and how a row becomes an event (a declarative mapping, or an outbox table).

What can be checked without the database or the event catalog is checked here; event
and field names are checked against the catalog when the source opens, column names
against the table on the first poll (``connectors.sql_poll.checks``).
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SecretStr,
    Tag,
    ValidationInfo,
    field_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from hub.config import Secret

Mode = Literal["incrementing", "timestamp", "timestamp+incrementing"]

FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
TABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*")


def _column_name(value: str) -> str:
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
        return _column_name(value)


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
        return _column_name(value)


class SqlPollConfig(BaseModel):
    """Reads new and changed rows of a database table through SQLAlchemy, like Kafka
    Connect's JDBC source, and publishes each as a catalog event, in one Kafka
    transaction per batch together with the position (last id and/or timestamp).

    Rows become events through a declarative ``mapping`` (columns, constants and
    templates into event fields) or, for a transactional ``outbox`` table, as the JSON
    payload the application wrote. A row that does not fit its event (a NULL in a
    required field, an unknown enum symbol) goes to the dead-letter topic with the
    reason and its key ``<table>:<id>``; the rest flows on. Database failures are
    retried with backoff.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Secret = Field(
        description="SQLAlchemy database URL with the password, as a secret: "
        "{env: VARIABLE} or {file: PATH}. Never logged.",
        examples=[{"env": "DIARIUM_DB_URL"}],
    )
    table: str = Field(
        pattern=f"^{TABLE.pattern}$",
        description="Table or view to read, optionally schema-qualified.",
        examples=["arende", "dbo.arende"],
    )
    where: str | None = Field(
        None,
        description="Extra SQL condition rows must meet, added with AND.",
        examples=["arendetyp <> 'INTERN'"],
    )
    columns: list[str] | None = Field(
        None,
        description="Columns to read besides those the mapping, id and timestamp name "
        "(they show in dead letters).",
        examples=[["handlaggare", "enhet"]],
    )
    mode: Mode = Field(
        "incrementing",
        description="How new rows are found: 'incrementing' (id above the last), "
        "'timestamp' (timestamp after the last; also finds changed rows) or "
        "'timestamp+incrementing' (both, exact even when rows share a timestamp).",
        examples=["timestamp+incrementing"],
    )
    id_column: str | None = Field(
        None,
        validate_default=True,
        description="Strictly increasing id column (required by the incrementing modes); "
        "also names rows in dead letters and event ids.",
        examples=["id"],
    )
    timestamp_column: str | None = Field(
        None,
        validate_default=True,
        description="Last-changed timestamp column (required by the timestamp modes); also "
        "the events' time.",
        examples=["andrad"],
    )
    delay_seconds: float = Field(
        0.0,
        ge=0,
        description="Leave rows alone until their timestamp is this much older than the "
        "database's clock, so rows of transactions still open are not skipped. Needs "
        "timestamp_column; set it above your longest write transaction.",
        examples=[5.0],
    )
    batch_size: int = Field(
        5000,
        gt=0,
        le=100_000,
        description="Rows per poll, published in one Kafka transaction. Each transaction "
        "has a fixed cost, so catching up on many rows is faster with larger batches; "
        "consumers see a batch's events once it is committed.",
        examples=[5000],
    )
    poll_interval: float = Field(
        5.0, gt=0, description="Seconds to wait after a poll that found no rows.", examples=[5.0]
    )
    municipality_code: str = Field(
        pattern=r"^\d{4}$",
        description="Four-digit municipality code, in the events' source URI.",
        examples=["2480"],
    )
    system: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Name of the source system in the events' source URI.",
        examples=["diarium"],
    )
    timezone: str = Field(
        "Europe/Stockholm",
        description="Time zone of timestamps stored without one (timestamp without time zone).",
        examples=["Europe/Stockholm", "UTC"],
    )
    mapping: EventMapping | None = Field(
        None,
        description="Row to event mapping (give this or outbox).",
        examples=[
            {
                "event": "CaseStatusChanged",
                "fields": {
                    "caseNumber": "diarienr",
                    "municipality.code": {"const": "2480"},
                    "municipality.organisationNumber": {"const": "212000-2627"},
                    "changedAt": "andrad",
                    "status": {"column": "status", "values": {"O": "OPEN", "A": "CLOSED"}},
                },
            }
        ],
    )
    outbox: OutboxColumns | None = Field(
        None,
        validate_default=True,
        description="Read a transactional outbox table instead of mapping rows (give this or "
        "mapping); {} takes Debezium's column names.",
        examples=[{"payload_column": "payload"}],
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        try:
            url = make_url(value.get_secret_value())
        except ArgumentError:
            raise ValueError(
                "not an SQLAlchemy URL (dialect+driver://user:password@host/database)"
            ) from None
        try:
            url.get_dialect()
        except NoSuchModuleError:
            raise ValueError(f"SQLAlchemy has no dialect {url.drivername!r}") from None
        return value

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: list[str] | None) -> list[str] | None:
        for name in value or ():
            _column_name(name)
        return value

    @field_validator("id_column")
    @classmethod
    def _id_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("mode")
        if value is None and mode in ("incrementing", "timestamp+incrementing"):
            raise ValueError(f"mode {mode!r} needs an id_column")
        return None if value is None else _column_name(value)

    @field_validator("timestamp_column")
    @classmethod
    def _timestamp_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("mode")
        if value is None and mode in ("timestamp", "timestamp+incrementing"):
            raise ValueError(f"mode {mode!r} needs a timestamp_column")
        return None if value is None else _column_name(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Stockholm)") from None
        return value

    @field_validator("outbox")
    @classmethod
    def _one_kind(cls, value: OutboxColumns | None, info: ValidationInfo) -> OutboxColumns | None:
        if "mapping" not in info.data:
            return value  # the mapping itself is invalid: reported there
        if value is not None and info.data["mapping"] is not None:
            raise ValueError("give either mapping or outbox, not both")
        if value is None and info.data["mapping"] is None:
            raise ValueError("give a mapping (row to event) or outbox ({} for Debezium's columns)")
        return value

    @field_validator("delay_seconds")
    @classmethod
    def _delay_needs_timestamp(cls, value: float, info: ValidationInfo) -> float:
        if value > 0 and info.data.get("timestamp_column", "") is None:
            raise ValueError("delay_seconds needs a timestamp_column to compare with")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def read_columns(self) -> list[str]:
        """Every column a poll selects, each once, in a stable order."""
        names = [c for c in (self.id_column, self.timestamp_column) if c]
        if self.mapping is not None:
            for value in self.mapping.fields.values():
                if isinstance(value, str):
                    names.append(value)
                elif isinstance(value, ColumnValue):
                    names.append(value.column)
                elif isinstance(value, TemplateValue):
                    names += value.columns
        if self.outbox is not None:
            box = self.outbox
            names += [box.event_type_column, box.aggregate_id_column, box.payload_column]
            names += [box.event_id_column] if box.event_id_column else []
        names += self.columns or []
        return list(dict.fromkeys(names))
