"""Rows to events, and a batch's rows read and mapped in the encoding worker.

:class:`RowEvents` is what a poll returns as a batch's events when the source encodes in
the runtime's worker process: the batch's range as a statement already compiled for the
database (SQL text and bound values) and the driver's connection arguments, with what
turns a row into its event. Iterating it reads the range with the database's own driver
(DB-API), maps each row and yields its event, or its dead letter. The worker thus never
imports SQLAlchemy (about 20 MiB less for the second process); the polling process, which
has it anyway, compiles the statement.

Nothing here imports SQLAlchemy, and a worker keeps its connection and its compiled
mapping from one batch to the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.sql_poll.event_config import EventMapping, OutboxColumns
from connectors.sql_poll.failures import rejected, unavailable
from connectors.sql_poll.mapping import RowMapper, RowProblem
from connectors.sql_poll.outbox import OutboxReader
from hub.events import Catalog, Event, EventSchema, InvalidEvent
from hub.sdk import DeadLetter, NameIds

_IDS = uuid.UUID("3b8f4f0e-5a57-4c1e-9a0c-7d2e61c4b9a3")
ERROR_CLASS = "BadRow"
FETCH_ROWS = 500
"""Rows fetched from the driver at a time."""

name_uuid = NameIds(_IDS)
"""``str(uuid.uuid5(_IDS, name))``: a row's event id from its name (once per row)."""


@dataclass(frozen=True)
class EventMaking:
    """What turns a connector's rows into events: picklable, made when the source opens.

    ``key`` tells a worker whether it already compiled this (one per opened source)."""

    key: str
    name: str
    uri: str
    zone: dt.tzinfo
    table: str
    id_column: str | None
    timestamp_column: str | None
    mapping: EventMapping | None = None
    schema: EventSchema | None = None
    """The mapping's event schema (checked against it when the source opened)."""
    outbox: OutboxColumns | None = None
    catalog: Catalog | None = None
    """For an outbox, whose rows name their events."""


class RowEventMaker:
    """One row to its event, or to its dead letter (with the reason, and the row as JSON).

    Event ids are derived from the event type, table, row id and timestamp, so a row read
    again (after a crash before the commit) gets the same id, and a changed row a new one.
    """

    def __init__(self, making: EventMaking) -> None:
        self.making = making
        self.mapper: RowMapper | None = None
        self.outbox: OutboxReader | None = None
        if making.mapping is not None and making.schema is not None:
            self.mapper = RowMapper.compile(making.mapping, making.schema, making.zone)
        elif making.outbox is not None and making.catalog is not None:
            self.outbox = OutboxReader(making.catalog, making.outbox, making.zone)
        else:
            raise ValueError("an EventMaking needs a mapping and its schema, or an outbox")

    def item(self, row: Mapping[str, Any]) -> Event | DeadLetter:
        try:
            return self.event(row)
        except (RowProblem, InvalidEvent) as exc:
            return DeadLetter(
                key=self._row_key(row),
                reason=str(exc),
                payload=_row_json(row),
                error_class=ERROR_CLASS,
            )

    def event(self, row: Mapping[str, Any]) -> Event:
        making = self.making
        event_id: str | None = None
        schema: EventSchema
        if self.mapper is not None:
            schema = self.mapper.schema
            data = self.mapper.data(row)
        else:
            assert self.outbox is not None
            found = self.outbox.read(row)
            schema, data, event_id = found.schema, found.data, found.event_id
        key = data.get(schema.key_field)
        if not isinstance(key, str) or not key:
            raise RowProblem(f"the event's key field {schema.key_field} is {key!r}: not a key")
        stamp = row[making.timestamp_column] if making.timestamp_column else None
        return Event(
            type=schema.type,
            source=making.uri,
            data=data,
            id=event_id or self._event_id(schema, row, key, stamp),
            time=self._time(stamp),
            subject=key,
            dataschema=schema.dataschema,
        )

    def _row_key(self, row: Mapping[str, Any]) -> str:
        making = self.making
        if making.id_column is not None:
            return f"{making.table}:{row[making.id_column]}"
        stamp = row[making.timestamp_column] if making.timestamp_column else None
        return f"{making.table}@{_text(stamp)}"

    def _event_id(self, schema: EventSchema, row: Mapping[str, Any], key: str, stamp: Any) -> str:
        """The same for the same row and timestamp: a row read again keeps its event id."""
        making = self.making
        ident = row[making.id_column] if making.id_column is not None else key
        name = f"{schema.type} {making.table}:{ident}"
        if stamp is not None:
            name += f"@{_text(stamp)}"
        return name_uuid(name)

    def _time(self, stamp: Any) -> dt.datetime:
        zone = self.making.zone
        if isinstance(stamp, dt.datetime):
            return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=zone)
        if isinstance(stamp, dt.date):
            return dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=zone)
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Statement:
    """A SELECT compiled for one database: its driver, how to connect, the SQL, its values."""

    driver: str
    """The DB-API module (``psycopg``, ``pyodbc``, …)."""
    connect_args: tuple[Any, ...]
    connect_kwargs: Mapping[str, Any]
    sql: str
    params: Any
    """A mapping, or a sequence for drivers with positional parameters."""

    def target(self) -> tuple[str, tuple[Any, ...], tuple[tuple[str, Any], ...]]:
        return self.driver, self.connect_args, tuple(sorted(self.connect_kwargs.items()))


@dataclass(frozen=True)
class RowEvents:
    """A batch's rows as events, read when iterated (each ``iter()`` reads them anew)."""

    making: EventMaking
    statement: Statement

    def __iter__(self) -> Iterator[Event | DeadLetter]:
        maker = _maker(self.making)
        for row in _rows(self.making.name, self.statement):
            yield maker.item(row)


_makers: dict[str, RowEventMaker] = {}
_connection: list[tuple[Any, Any]] = []  # this process's (target, DB-API connection)


def _maker(making: EventMaking) -> RowEventMaker:
    maker = _makers.get(making.key)
    if maker is None:
        _makers.clear()  # one source per worker: drop the previous one's
        maker = _makers[making.key] = RowEventMaker(making)
    return maker


def _rows(connector: str, statement: Statement) -> Iterator[dict[str, Any]]:
    """The statement's rows as dicts; the driver's failures as the SDK's errors."""
    driver = importlib.import_module(statement.driver)
    try:
        conn = _connect(driver, statement)
        try:
            cursor = conn.cursor()
            cursor.execute(statement.sql, statement.params)
            names = [column[0] for column in cursor.description]
            while chunk := cursor.fetchmany(FETCH_ROWS):
                for values in chunk:
                    yield dict(zip(names, values, strict=True))
            cursor.close()
        finally:
            conn.rollback()  # end the read's transaction: no idle-in-transaction session
    except (driver.OperationalError, driver.InterfaceError) as exc:
        _disconnect()
        raise unavailable(exc) from None
    except driver.Error as exc:
        _disconnect()
        raise rejected(connector, exc) from None


def _connect(driver: Any, statement: Statement) -> Any:
    target = statement.target()
    if _connection and _connection[0][0] == target:
        return _connection[0][1]
    _disconnect()
    conn = driver.connect(*statement.connect_args, **statement.connect_kwargs)
    _connection.append((target, conn))
    return conn


def _disconnect() -> None:
    while _connection:
        _, conn = _connection.pop()
        with contextlib.suppress(Exception):  # a broken connection may fail to close too
            conn.close()


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _row_json(row: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(row), default=_text, ensure_ascii=False).encode()
