"""Configuration of the ``sql-upsert`` sink."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from hub.config import Secret
from hub.sdk.payload import check_path

BACKENDS = ("postgresql", "sqlite")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
TABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*")


def _column(value: str) -> str:
    if not NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a column name (letters, digits, '_', '$')")
    return value


class SqlUpsertConfig(BaseModel):
    """Writes each delivery as a row of a table in a department's database.

    The event id goes into ``key_column``, which needs a unique constraint: a repeated
    delivery then changes nothing. With ``on_conflict`` (say, the case number) the row is
    the latest state of that case and newer events update it. Lost connections and lock
    timeouts are retried; a value the table refuses (NULL in a NOT NULL column, text in a
    number column, a failed CHECK) sends the event to the dead-letter topic, naming the
    column. PostgreSQL and SQLite are supported.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Secret = Field(
        description="SQLAlchemy URL of the database, with its password: "
        "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE, or sqlite:///PATH.",
        examples=[{"env": "BYGGLOV_DB_URL"}],
    )
    table: str = Field(
        description="The table rows are written to, optionally schema-qualified.",
        examples=["bygglov.permit_decisions"],
    )
    key_column: str = Field(
        "event_id",
        description="Column that receives the event id; needs a unique constraint "
        "(or, with on_conflict, holds the id of the last event applied).",
        examples=["event_id"],
    )
    columns: dict[str, str] = Field(
        min_length=1,
        description="Column -> payload field (dotted path for nested fields). A field the "
        "payload lacks is written as NULL.",
        examples=[{"case_number": "caseNumber", "decision": "decision", "city": "site.city"}],
    )
    on_conflict: list[str] | None = Field(
        None,
        description="Column(s) of a unique constraint that identify the row to update: "
        "a delivery whose values are already there updates that row instead of adding one. "
        "Without it, rows are only inserted and a repeated event id is skipped.",
        examples=[["case_number"]],
    )
    version_column: str | None = Field(
        None,
        description="With on_conflict: a column that orders events (event time, sequence "
        "number); a row is only updated by a delivery whose value is greater or equal.",
        examples=["decided_at"],
    )
    connect_timeout: int = Field(
        10, ge=1, description="Seconds to wait for a connection; then retried.", examples=[10]
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        try:
            url = make_url(value.get_secret_value())
        except ArgumentError:
            raise ValueError("not a SQLAlchemy URL (dialect+driver://user:pass@host/db)") from None
        if url.get_backend_name() not in BACKENDS:
            raise ValueError(
                f"sql-upsert writes to PostgreSQL or SQLite, not {url.get_backend_name()}"
            )
        return value

    @field_validator("table")
    @classmethod
    def _table(cls, value: str) -> str:
        if not TABLE.fullmatch(value):
            raise ValueError(f"{value!r} is not a table name (schema.table or table)")
        return value

    @field_validator("key_column", "version_column")
    @classmethod
    def _one_column(cls, value: str | None) -> str | None:
        return None if value is None else _column(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        for column, path in value.items():
            _column(column)
            check_path(path)
        return value

    @field_validator("on_conflict", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> SqlUpsertConfig:
        if self.key_column in self.columns:
            raise ValueError(f"{self.key_column} is the key column; remove it from columns")
        known = {self.key_column, *self.columns}
        for column in self.on_conflict or ():
            _column(column)
            if column not in known:
                raise ValueError(f"on_conflict column {column} is not in columns")
        if self.version_column is not None:
            if not self.on_conflict:
                raise ValueError("version_column needs on_conflict")
            if self.version_column not in self.columns:
                raise ValueError(f"version_column {self.version_column} is not in columns")
        return self

    def sqlalchemy_url(self) -> URL:
        return make_url(self.url.get_secret_value())

    @property
    def conflict_columns(self) -> list[str]:
        """The unique column set every write is checked against."""
        return self.on_conflict or [self.key_column]
