"""A transactional-outbox row as event data, as Debezium's outbox event router reads it.

The application writes each event into the outbox table in the same database transaction
as the change itself. The row's event type column names a catalog event (``CaseOpened``
or its full CloudEvents type), its aggregate id becomes the event's key and subject, and
its JSON payload becomes the data, fitted to the event's latest schema (ISO 8601 dates
and timestamps become date and timestamp values).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.sql_poll.convert import Converter, ValueProblem, record_converter, show
from connectors.sql_poll.event_config import OutboxColumns
from connectors.sql_poll.mapping import RowProblem
from hub.events import Catalog, EventError, EventSchema

Row = Mapping[str, Any]


@dataclass(frozen=True)
class OutboxEvent:
    """What an outbox row says: which event, its key, its data and (maybe) its id."""

    schema: EventSchema
    key: str
    data: dict[str, Any]
    event_id: str | None


def event_schema(catalog: Catalog, name: str, version: int | None = None) -> EventSchema:
    """A catalog event by name (``CaseOpened``) or full CloudEvents type (raises EventError)."""
    if "." in name:
        latest = catalog.by_type(name)
        return latest if version is None else catalog.get(latest.name, version)
    return catalog.get(name, version)


@dataclass
class OutboxReader:
    catalog: Catalog
    columns: OutboxColumns
    zone: dt.tzinfo
    _schemas: dict[str, tuple[EventSchema, Converter]] = field(default_factory=dict)

    def read(self, row: Row) -> OutboxEvent:
        """The event of one outbox row (raises :class:`RowProblem` when it has none)."""
        cols = self.columns
        schema, convert = self._schema(row[cols.event_type_column])
        key = row[cols.aggregate_id_column]
        if key is None or str(key) == "":
            raise RowProblem(f"the aggregate id ({cols.aggregate_id_column}) is {show(key)}")
        key = str(key)
        payload = _payload(row[cols.payload_column], cols.payload_column)
        given = payload.get(schema.key_field)
        if given is None:
            payload[schema.key_field] = key
        elif given != key:
            raise RowProblem(
                f"the payload's {schema.key_field} {show(given)} differs from the aggregate id "
                f"{key!r}"
            )
        try:
            data = convert(payload)
        except ValueProblem as exc:
            raise RowProblem(
                f"{schema.name} v{schema.version} field {exc.path or '(record)'}: {exc.reason} "
                f"(in {cols.payload_column})"
            ) from None
        event_id = row[cols.event_id_column] if cols.event_id_column else None
        return OutboxEvent(schema, key, data, None if event_id is None else str(event_id))

    def _schema(self, name: Any) -> tuple[EventSchema, Converter]:
        if not isinstance(name, str) or not name:
            raise RowProblem(f"the event type ({self.columns.event_type_column}) is {show(name)}")
        found = self._schemas.get(name)
        if found is None:
            try:
                schema = event_schema(self.catalog, name)
            except EventError as exc:
                raise RowProblem(f"event type {name!r}: {exc}") from None
            found = self._schemas[name] = (schema, record_converter(schema.parsed, self.zone))
        return found


def _payload(raw: Any, column: str) -> dict[str, Any]:
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw).decode("utf-8", errors="replace")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise RowProblem(f"the payload ({column}) is not JSON: {exc}") from None
    if not isinstance(raw, Mapping):
        raise RowProblem(f"the payload ({column}) is {show(raw)}, not a JSON object")
    return dict(raw)
