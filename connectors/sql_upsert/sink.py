"""The ``sql-upsert`` sink: one engine per route, one transaction per delivery."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from connectors.sql_upsert.config import SqlUpsertConfig
from connectors.sql_upsert.errors import classify
from connectors.sql_upsert.statements import parameter_columns, upsert
from connectors.sql_upsert.table import reflect
from hub.routing.types import Delivery, Sink, SinkContext
from hub.sdk import FatalError, TransientError
from hub.sdk.payload import MissingField, lookup


class SqlUpsertSink(Sink):
    """Writes ``delivery.payload``'s mapped fields and the event id as one row."""

    def __init__(self, config: SqlUpsertConfig) -> None:
        self.config = config
        self._engine: sa.Engine | None = None
        self._table: sa.Table | None = None

    def open(self, context: SinkContext) -> None:
        url = self.config.sqlalchemy_url()
        timeout = self.config.connect_timeout
        backend = url.get_backend_name()
        connect_args: dict[str, Any] = (
            {"connect_timeout": timeout} if backend == "postgresql" else {"timeout": timeout}
        )
        try:
            self._engine = sa.create_engine(
                url, pool_pre_ping=True, pool_size=1, max_overflow=1, connect_args=connect_args
            )
        except ImportError as exc:
            raise FatalError(
                f"no database driver for {url.drivername}: {exc}; "
                "use postgresql+psycopg:// (installed with the hub)"
            ) from exc

    def values(self, delivery: Delivery) -> dict[str, Any]:
        """The row: the event id and each column's payload field (NULL when absent)."""
        row: dict[str, Any] = {self.config.key_column: delivery.id}
        for column, path in self.config.columns.items():
            try:
                row[column] = lookup(delivery.payload, path)
            except MissingField:
                row[column] = None
        return row

    def deliver(self, delivery: Delivery) -> None:
        engine = self._engine
        if engine is None:
            raise RuntimeError("SqlUpsertSink.deliver before open()")
        row = self.values(delivery)
        stmt = None
        try:
            with engine.begin() as connection:
                if self._table is None:
                    self._table = reflect(connection, self.config)
                stmt = upsert(self._table, row, self.config, engine.dialect.name)
                connection.execute(stmt)
        except sa_exc.SQLAlchemyError as exc:
            order = parameter_columns(stmt, engine.dialect) if stmt is not None else []
            error = classify(exc, self._table, row, order, engine.dialect)
            if isinstance(error, TransientError):
                engine.dispose()
            raise error from exc

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
