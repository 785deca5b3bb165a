"""Configuration of the ``sql-poll`` source: where the rows are, how new ones are found,
and how a row becomes an event (a declarative mapping, or an outbox table: their models
are in ``connectors.sql_poll.event_config``).

What can be checked without the database or the event catalog is checked here; event
and field names are checked against the catalog when the source opens, column names
against the table on the first poll (``connectors.sql_poll.checks``).
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from connectors.sql_poll.event_config import (
    ColumnValue,
    EventMapping,
    OutboxColumns,
    TemplateValue,
    column_name,
)
from hub.config import Secret

Mode = Literal["incrementing", "timestamp", "timestamp+incrementing"]
TABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*")


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
    encode_in_worker: bool = Field(
        True,
        description=(
            "Read each batch's rows, map them and encode their events in a second process "
            "while this one sends them to Kafka (this one reads only the rows' ids and "
            "timestamps, to fix the batch and its position): faster on two or more cores, "
            "for the memory of a second Python process and a second database connection."
        ),
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
            column_name(name)
        return value

    @field_validator("id_column")
    @classmethod
    def _id_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("mode")
        if value is None and mode in ("incrementing", "timestamp+incrementing"):
            raise ValueError(f"mode {mode!r} needs an id_column")
        return None if value is None else column_name(value)

    @field_validator("timestamp_column")
    @classmethod
    def _timestamp_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("mode")
        if value is None and mode in ("timestamp", "timestamp+incrementing"):
            raise ValueError(f"mode {mode!r} needs a timestamp_column")
        return None if value is None else column_name(value)

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
