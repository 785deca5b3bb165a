"""The ``sql-poll`` source: each poll reads the next batch of rows after the position and
returns them as events, in one Kafka transaction with the position after them.

When it opens, the source checks its mapping against the event catalog; on its first
poll that reaches the database, its column names against the table (either stops it
with every problem named by its config path). A row that cannot become its event becomes
a dead letter keyed ``<table>:<id>`` (or ``<table>@<timestamp>``) with the reason and the
row as JSON; its position is passed all the same, so the rows after it flow on.

Event ids are derived from the event type, table, row id and timestamp, so a row read
again (after a crash before the commit) gets the same id, and a changed row a new one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from connectors.sql_poll.checks import column_problems, mapping_schema, misconfigured
from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.database import Database
from connectors.sql_poll.mapping import RowMapper, RowProblem
from connectors.sql_poll.outbox import OutboxReader
from connectors.sql_poll.query import Found, RowQuery, upper_bound
from hub.events import Event, EventSchema, InvalidEvent, source_uri
from hub.sdk import Batch, DeadLetter, FatalError, NameIds, Position, Source, SourceContext

log = logging.getLogger(__name__)

_IDS = uuid.UUID("3b8f4f0e-5a57-4c1e-9a0c-7d2e61c4b9a3")
ERROR_CLASS = "BadRow"


class SqlPollSource(Source):
    def __init__(self, config: SqlPollConfig) -> None:
        self.config = config
        self.poll_interval = config.poll_interval
        self.zone = config.zone
        self.name = "sql-poll"
        self.uri = source_uri(config.municipality_code, config.system)
        self.query = RowQuery(
            config.table,
            config.read_columns(),
            mode=config.mode,
            id_column=config.id_column,
            timestamp_column=config.timestamp_column,
            where=config.where,
            batch_size=config.batch_size,
        )
        self.mapper: RowMapper | None = None
        self.outbox: OutboxReader | None = None
        self.db: Database | None = None
        self._ts_aware: bool | None = None
        self._checked = False

    # -- lifecycle ---------------------------------------------------------------------
    def open(self, context: SourceContext) -> None:
        self.name = context.name
        catalog = context.catalog
        if catalog is None:
            raise FatalError(
                f"connector {self.name}: sql-poll turns rows into catalog events, and the "
                "runtime gave it no catalog (SourceContext.catalog)"
            )
        config = self.config
        if config.mapping is not None:
            schema, problems = mapping_schema(config.mapping, catalog, self.zone)
            if problems or schema is None:
                raise misconfigured(self.name, f"the event catalog in {catalog.root}", problems)
            self.mapper = RowMapper.compile(config.mapping, schema, self.zone)
        if config.outbox is not None:
            self.outbox = OutboxReader(catalog, config.outbox, self.zone)
        self.db = Database(config.url, connector=self.name)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    # -- polling -----------------------------------------------------------------------
    def poll(self, position: Position | None) -> Batch | None:
        if self.db is None:
            raise FatalError(f"connector {self.name}: poll() before open()")
        with self.db.connect() as conn:
            if not self._checked:
                self._check_columns(self.db.columns(conn, self.config.table))
            upper = None
            if self.config.mode != "incrementing" or self.config.delay_seconds > 0:
                now = self.db.now(conn)
                upper = upper_bound(now, self.config.delay_seconds, self._ts_aware, self.zone)
            found = self.query.read(conn, position, upper)
        if found.position is None:
            return None
        return self._batch(found)

    def _check_columns(self, columns: Mapping[str, bool | None]) -> None:
        problems = column_problems(self.config, list(columns), self.config.table)
        if problems:
            raise misconfigured(self.name, f"table {self.config.table}", problems)
        if self.config.timestamp_column is not None:
            self._ts_aware = columns[self.config.timestamp_column]
        self._checked = True
        log.info("%s: reading %s (%s mode)", self.name, self.config.table, self.config.mode)

    def _batch(self, found: Found) -> Batch:
        events: list[Event] = []
        letters: list[DeadLetter] = []
        for row in found.rows:
            try:
                events.append(self._event(row))
            except (RowProblem, InvalidEvent) as exc:
                letters.append(
                    DeadLetter(
                        key=self._row_key(row),
                        reason=str(exc),
                        payload=_row_json(row),
                        error_class=ERROR_CLASS,
                    )
                )
        return Batch(events=events, dead_letters=letters, position=found.position)

    def _event(self, row: Mapping[str, Any]) -> Event:
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
        stamp = row[self.config.timestamp_column] if self.config.timestamp_column else None
        return Event(
            type=schema.type,
            source=self.uri,
            data=data,
            id=event_id or self._event_id(schema, row, key, stamp),
            time=self._time(stamp),
            subject=key,
            dataschema=schema.dataschema,
        )

    # -- row identity ------------------------------------------------------------------
    def _row_key(self, row: Mapping[str, Any]) -> str:
        if self.config.id_column is not None:
            return f"{self.config.table}:{row[self.config.id_column]}"
        stamp = row[self.config.timestamp_column] if self.config.timestamp_column else None
        return f"{self.config.table}@{_text(stamp)}"

    def _event_id(self, schema: EventSchema, row: Mapping[str, Any], key: str, stamp: Any) -> str:
        """The same for the same row and timestamp: a row read again keeps its event id."""
        ident = row[self.config.id_column] if self.config.id_column is not None else key
        name = f"{schema.type} {self.config.table}:{ident}"
        if stamp is not None:
            name += f"@{_text(stamp)}"
        return name_uuid(name)

    def _time(self, stamp: Any) -> dt.datetime:
        if isinstance(stamp, dt.datetime):
            return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=self.zone)
        if isinstance(stamp, dt.date):
            return dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=self.zone)
        return dt.datetime.now(dt.UTC)


name_uuid = NameIds(_IDS)
"""``str(uuid.uuid5(_IDS, name))``: a row's event id from its name (once per row)."""


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _row_json(row: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(row), default=_text, ensure_ascii=False).encode()
