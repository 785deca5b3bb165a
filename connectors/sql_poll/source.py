"""The ``sql-poll`` source: each poll reads the next batch of rows after the position and
returns them as events, in one Kafka transaction with the position after them.

When it opens, the source checks its mapping against the event catalog; on its first
poll that reaches the database, its column names against the table (either stops it
with every problem named by its config path). A row that cannot become its event becomes
a dead letter keyed ``<table>:<id>`` (or ``<table>@<timestamp>``) with the reason and the
row as JSON; its position is passed all the same, so the rows after it flow on.

Event ids are derived from the event type, table, row id and timestamp, so a row read
again (after a crash before the commit) gets the same id, and a changed row a new one.

With ``encode_in_worker`` (the default) a poll reads only the key columns (id, timestamp)
of the next batch, which fixes its range and position; the batch's events are a
:class:`~connectors.sql_poll.rows.RowEvents`, which the runtime's encoding worker iterates
in its own process: there the rows of that range are read in full, mapped and encoded
while the runner sends the previous ones. The rows a batch holds are then those of its
range when the worker reads them, a row committed late into the range included.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select

from connectors.sql_poll.checks import column_problems, mapping_schema, misconfigured
from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.database import Database
from connectors.sql_poll.query import Found, RowQuery, upper_bound
from connectors.sql_poll.rows import EventMaking, RowEventMaker, RowEvents, Statement
from hub.events import EventSchema, source_uri
from hub.sdk import Batch, DeadLetter, FatalError, Position, Source, SourceContext

log = logging.getLogger(__name__)


class SqlPollSource(Source):
    def __init__(self, config: SqlPollConfig) -> None:
        self.config = config
        self.poll_interval = config.poll_interval
        self.zone = config.zone
        self.name = "sql-poll"
        self.uri = source_uri(config.municipality_code, config.system)
        self.query = self._query(config.read_columns())
        self.keys = self._query(
            [c for c in (config.id_column, config.timestamp_column) if c is not None]
        )
        """The same query on the key columns alone: a batch's range, for the worker."""
        self.encode_in_worker = config.encode_in_worker
        self.making: EventMaking | None = None
        self.maker: RowEventMaker | None = None
        self.db: Database | None = None
        self._driver: tuple[str, tuple[Any, ...], Mapping[str, Any]] | None = None
        self._ts_aware: bool | None = None
        self._checked = False

    def _query(self, columns: list[str]) -> RowQuery:
        config = self.config
        return RowQuery(
            config.table,
            columns,
            mode=config.mode,
            id_column=config.id_column,
            timestamp_column=config.timestamp_column,
            where=config.where,
            batch_size=config.batch_size,
        )

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
        schema: EventSchema | None = None
        if config.mapping is not None:
            schema, problems = mapping_schema(config.mapping, catalog, self.zone)
            if problems or schema is None:
                raise misconfigured(self.name, f"the event catalog in {catalog.root}", problems)
        self.making = EventMaking(
            key=uuid.uuid4().hex,
            name=self.name,
            uri=self.uri,
            zone=self.zone,
            table=config.table,
            id_column=config.id_column,
            timestamp_column=config.timestamp_column,
            mapping=config.mapping,
            schema=schema,
            outbox=config.outbox,
            catalog=catalog if config.outbox is not None else None,
        )
        self.maker = RowEventMaker(self.making)
        self.db = Database(config.url, connector=self.name)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    # -- polling -----------------------------------------------------------------------
    def poll(self, position: Position | None) -> Batch | None:
        if self.db is None:
            raise FatalError(f"connector {self.name}: poll() before open()")
        query = self.keys if self.encode_in_worker else self.query
        with self.db.connect() as conn:
            if not self._checked:
                self._check_columns(self.db.columns(conn, self.config.table))
            upper = None
            if self.config.mode != "incrementing" or self.config.delay_seconds > 0:
                now = self.db.now(conn)
                upper = upper_bound(now, self.config.delay_seconds, self._ts_aware, self.zone)
            found = query.read(conn, position, upper)
        if found.position is None:
            return None
        if self.encode_in_worker:
            assert self.making is not None
            statement = self._statement(self.query.between(position, found.position))
            return Batch(events=RowEvents(self.making, statement), position=found.position)
        return self._batch(found)

    def _statement(self, query: Select[Any]) -> Statement:
        """``query`` compiled for this database, to run with its driver alone."""
        assert self.db is not None
        engine = self.db.engine()
        dialect = engine.dialect
        if self._driver is None:
            cargs, cparams = dialect.create_connect_args(engine.url)
            # Plain settings only: SQLAlchemy adds objects of its own for some drivers
            # (psycopg's adapters for its types), which the rows read here do not need.
            plain = {k: v for k, v in cparams.items() if isinstance(v, str | int | float | None)}
            self._driver = (dialect.loaded_dbapi.__name__, tuple(cargs), plain)
        compiled = query.compile(dialect=dialect)
        values: Mapping[str, Any] = compiled.construct_params()
        params: Any = values
        if compiled.positional and compiled.positiontup is not None:
            params = tuple(values[name] for name in compiled.positiontup)
        driver, args, kwargs = self._driver
        return Statement(driver, args, kwargs, str(compiled), params)

    def _check_columns(self, columns: Mapping[str, bool | None]) -> None:
        problems = column_problems(self.config, list(columns), self.config.table)
        if problems:
            raise misconfigured(self.name, f"table {self.config.table}", problems)
        if self.config.timestamp_column is not None:
            self._ts_aware = columns[self.config.timestamp_column]
        self._checked = True
        log.info("%s: reading %s (%s mode)", self.name, self.config.table, self.config.mode)

    def _batch(self, found: Found) -> Batch:
        assert self.maker is not None
        item = self.maker.item
        events = []
        letters: list[DeadLetter] = []
        for row in found.rows:
            made = item(row)
            if isinstance(made, DeadLetter):
                letters.append(made)
            else:
                events.append(made)
        return Batch(events=events, dead_letters=letters, position=found.position)
