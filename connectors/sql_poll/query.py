"""Finding the rows after a position, in the three modes of Kafka Connect's JDBC source.

* ``incrementing``: ``id > last id``, by id. With a timestamp column and a delay, the
  batch ends before the first row younger than the delay, so a row whose transaction
  took its id earlier but commits later is still ahead of the position when it appears.
* ``timestamp``: ``last timestamp < ts < database now - delay``, by timestamp; a full
  batch is cut before its last timestamp, and every row of that timestamp is read with
  it, so rows sharing a timestamp are never split between two positions.
* ``timestamp+incrementing``: ``(ts, id) > (last ts, last id)`` and ``ts < now - delay``,
  by timestamp then id: exact, and changed rows come again with their new timestamp.

A position is JSON: ``{"id": 42}``, ``{"timestamp": "2026-03-01T10:15:00.123456"}`` or
both; timestamps keep the database's form (with or without an offset).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Executable, Select, and_, or_, text
from sqlalchemy import column as sql_column
from sqlalchemy import select as sql_select
from sqlalchemy import table as sql_table

from connectors.sql_poll.config import Mode
from hub.sdk import Position

Row = Mapping[str, Any]


def fetch(conn: Connection, query: Executable) -> list[Row]:
    """Every row of ``query``, each a mapping of column name to value."""
    return cast(list[Row], conn.execute(query).mappings().all())


@dataclass(frozen=True)
class Found:
    """One poll's rows, and the position after them (None when there are none)."""

    rows: Sequence[Row]
    position: Position | None


def json_id(value: Any) -> Any:
    """An id as a position keeps it: a number when it is one."""
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return int(value)
    return value if isinstance(value, int | str) else str(value)


def parse_timestamp(value: Any) -> Any:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def upper_bound(now: Any, delay: float, column_aware: bool | None, zone: dt.tzinfo) -> dt.datetime:
    """``now - delay`` in the column's form: aware for ``timestamp with time zone``
    columns, naive (in ``zone``) for columns without one."""
    moment: dt.datetime = parse_timestamp(now) - dt.timedelta(seconds=delay)
    if column_aware:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    if column_aware is False and moment.tzinfo is not None:
        return moment.astimezone(zone).replace(tzinfo=None)
    return moment  # the database's clock and the column agree on their form


class RowQuery:
    """The SELECTs of one table and mode."""

    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        *,
        mode: Mode,
        id_column: str | None,
        timestamp_column: str | None,
        where: str | None,
        batch_size: int,
    ) -> None:
        schema, _, name = table.rpartition(".")
        self.table = sql_table(name, *(sql_column(c) for c in columns), schema=schema or None)
        self.mode = mode
        self.id = self.table.c[id_column] if id_column else None
        self.ts = self.table.c[timestamp_column] if timestamp_column else None
        self.id_name = id_column
        self.ts_name = timestamp_column
        self.where = text(f"({where})") if where else None
        self.batch_size = batch_size

    def read(self, conn: Connection, position: Position | None, upper: dt.datetime | None) -> Found:
        """The next rows after ``position``, no younger than ``upper`` (when given)."""
        if self.mode == "incrementing":
            return self._incrementing(conn, position, upper)
        if self.mode == "timestamp":
            return self._timestamp(conn, position, upper)
        return self._timestamp_incrementing(conn, position, upper)

    def between(self, after: Position | None, end: Position) -> Select[Any]:
        """The SELECT of the rows after ``after`` up to ``end`` included, in order.

        ``end`` is a position :meth:`read` returned after ``after`` (with this table's key
        columns only, say): these are then the rows of that batch, plus any that became
        visible in that range meanwhile, which the position covers all the same.
        """
        pos = after or {}
        conditions: list[ColumnElement[bool] | None]
        if self.mode == "incrementing":
            assert self.id is not None
            last = pos.get("id")
            conditions = [None if last is None else self.id > last, self.id <= end["id"]]
            order = [self.id]
        elif self.mode == "timestamp":
            assert self.ts is not None
            last_ts = parse_timestamp(pos.get("timestamp"))
            end_ts = parse_timestamp(end["timestamp"])
            conditions = [None if last_ts is None else self.ts > last_ts, self.ts <= end_ts]
            order = [self.ts] if self.id is None else [self.ts, self.id]
        else:
            assert self.ts is not None
            assert self.id is not None
            last_ts, last_id = parse_timestamp(pos.get("timestamp")), pos.get("id")
            end_ts, end_id = parse_timestamp(end["timestamp"]), end["id"]
            lower = None
            if last_ts is not None:
                lower = or_(self.ts > last_ts, and_(self.ts == last_ts, self.id > last_id))
            upper = or_(self.ts < end_ts, and_(self.ts == end_ts, self.id <= end_id))
            conditions, order = [lower, upper], [self.ts, self.id]
        return self._select(*conditions).order_by(*order)

    def _select(self, *conditions: ColumnElement[bool] | None) -> Select[Any]:
        found = [c for c in (self.where, *conditions) if c is not None]
        query = sql_select(*self.table.c)
        return query.where(and_(*found)) if found else query

    def _incrementing(
        self, conn: Connection, position: Position | None, upper: dt.datetime | None
    ) -> Found:
        assert self.id is not None
        assert self.id_name is not None
        after = (position or {}).get("id")
        query = self._select(None if after is None else self.id > after)
        rows = fetch(conn, query.order_by(self.id).limit(self.batch_size))
        if upper is not None and self.ts_name is not None:
            rows = _before_first_young(rows, self.ts_name, upper)
        if not rows:
            return Found((), None)
        return Found(rows, {"id": json_id(rows[-1][self.id_name])})

    def _timestamp(
        self, conn: Connection, position: Position | None, upper: dt.datetime | None
    ) -> Found:
        assert self.ts is not None
        assert self.ts_name is not None
        after = parse_timestamp((position or {}).get("timestamp"))
        lower = None if after is None else self.ts > after
        below = None if upper is None else self.ts < upper
        query = self._select(lower, below).order_by(self.ts)
        rows = fetch(conn, query.limit(self.batch_size))
        if not rows:
            return Found((), None)
        last = rows[-1][self.ts_name]
        if len(rows) == self.batch_size:
            # The batch may end inside a run of equal timestamps: read that run whole.
            rows = [r for r in rows if r[self.ts_name] != last]
            rows += fetch(conn, self._run_of(last))
        return Found(rows, {"timestamp": _iso(last)})

    def _run_of(self, stamp: Any) -> Select[Any]:
        """Every row with timestamp ``stamp`` (by id, when there is one)."""
        assert self.ts is not None
        query = self._select(self.ts == stamp)
        return query.order_by(self.id) if self.id is not None else query

    def _timestamp_incrementing(
        self, conn: Connection, position: Position | None, upper: dt.datetime | None
    ) -> Found:
        assert self.ts is not None
        assert self.id is not None
        assert self.ts_name is not None
        assert self.id_name is not None
        pos = position or {}
        after_ts, after_id = parse_timestamp(pos.get("timestamp")), pos.get("id")
        lower = None
        if after_ts is not None:
            lower = or_(self.ts > after_ts, and_(self.ts == after_ts, self.id > after_id))
        below = None if upper is None else self.ts < upper
        query = self._select(lower, below).order_by(self.ts, self.id).limit(self.batch_size)
        rows = fetch(conn, query)
        if not rows:
            return Found((), None)
        last = rows[-1]
        return Found(
            rows, {"timestamp": _iso(last[self.ts_name]), "id": json_id(last[self.id_name])}
        )


def _before_first_young(rows: list[Row], ts_name: str, upper: dt.datetime) -> list[Row]:
    for index, row in enumerate(rows):
        stamp = row[ts_name]
        if stamp is not None and _not_before(stamp, upper):
            return rows[:index]
    return rows


def _not_before(stamp: Any, upper: dt.datetime) -> bool:
    if isinstance(stamp, dt.datetime) and (stamp.tzinfo is None) != (upper.tzinfo is None):
        return False  # the database compares these; here we cannot: let the row through
    return bool(stamp >= upper)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
