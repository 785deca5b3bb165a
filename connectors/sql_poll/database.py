"""The connection pool to the source database, and what its failures mean to the runtime.

The pool holds one connection and checks it before use (``pool_pre_ping``), so a database
that restarted is reconnected to on the next poll. A connection that cannot be made or is
lost mid-query (server down, restarted, network gone) raises
:class:`~hub.sdk.TransientError`: the runtime retries with backoff and counts the failure
in ``hub_source_errors_total``; the pool is emptied first, so no broken connection is
handed out again. Anything else the database rejects (a missing column, a syntax error in
``where``, no permission) raises :class:`~hub.sdk.FatalError`: it needs a person.

The URL holds a password: it is never logged nor put in an error, and statements' bound
values (row data) are kept out of error messages too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.types import DateTime

from connectors.sql_poll.failures import first_line, rejected, unavailable
from hub.sdk import FatalError

log = logging.getLogger(__name__)

_TRANSIENT = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


class Database:
    """One source database, reached through a SQLAlchemy engine made on first use."""

    def __init__(self, url: SecretStr, *, connector: str) -> None:
        self._url = url
        self.connector = connector
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            try:
                self._engine = create_engine(
                    self._url.get_secret_value(),
                    pool_size=1,
                    max_overflow=0,
                    pool_pre_ping=True,
                    pool_timeout=30,
                    hide_parameters=True,
                )
            except ImportError as exc:
                raise FatalError(
                    f"connector {self.connector}: the database driver is not installed "
                    f"({exc.name or exc}); install the package of the URL's driver"
                ) from None
        return self._engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for one poll; database failures become the SDK's errors."""
        try:
            with self.engine().connect() as conn:
                yield conn
        except sa_exc.DBAPIError as exc:
            if isinstance(exc, _TRANSIENT) or exc.connection_invalidated:
                self.dispose()
                raise unavailable(exc) from None
            raise rejected(self.connector, exc) from None
        except _TRANSIENT as exc:
            self.dispose()
            raise unavailable(exc) from None

    def columns(self, conn: Connection, table: str) -> dict[str, bool | None]:
        """The table's column names, each with whether it is an aware timestamp
        (True), a timestamp without time zone (False), or something else (None)."""
        schema, _, name = table.rpartition(".")
        try:
            found = inspect(conn).get_columns(name, schema=schema or None)
        except sa_exc.NoSuchTableError:
            raise FatalError(
                f"connector {self.connector}: config.table: the database has no table or view "
                f"{table!r} that this user can see"
            ) from None
        out: dict[str, bool | None] = {}
        for col in found:
            kind: Any = col["type"]
            out[str(col["name"])] = bool(kind.timezone) if isinstance(kind, DateTime) else None
        return out

    def now(self, conn: Connection) -> Any:
        """The database's clock (rows are compared with it, not with ours)."""
        return conn.execute(select(func.current_timestamp())).scalar_one()

    def dispose(self) -> None:
        """Close every pooled connection; the next poll connects anew."""
        if self._engine is not None:
            try:
                self._engine.dispose()
            except sa_exc.SQLAlchemyError as exc:  # closing a broken connection may fail
                log.debug("%s: disposing the pool: %s", self.connector, first_line(exc))

    def close(self) -> None:
        self.dispose()
        self._engine = None
