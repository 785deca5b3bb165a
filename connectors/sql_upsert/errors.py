"""What a database error means for the delivery, and which column a refused value was for.

* the connection or the server failed (lost connection, restart, lock or statement
  timeout, deadlock): :class:`TransientError`, retried;
* the table refused a value (NOT NULL, CHECK, foreign key, a type or length it cannot
  hold): :class:`PermanentError` naming the column, dead-lettered at once;
* the database does not accept the sink's configuration (login, permission, a table or
  unique constraint that is not there): :class:`FatalError`, the route stops.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from hub.routing.types import PermanentError
from hub.sdk import ConnectorError, FatalError, TransientError

PARAMETER = re.compile(r"\$(\d+)")
INT_LIMITS = ((sa.SmallInteger, 2**15), (sa.BigInteger, 2**63), (sa.Integer, 2**31))
REFUSED_STATES = {"42804", "42846"}
"""Datatype mismatch, cannot coerce: a value of the wrong type for its column."""
FATAL_STATES = {
    "28000": "the database refused the login",
    "28P01": "the database refused the password",
    "3D000": "the database does not exist",
    "42501": "the database user may not write to the table",
    "42P01": "the table is gone; check `table` and restart the route",
    "42703": "a column is gone; check `columns` and restart the route",
    "42P10": "no unique constraint on the conflict columns",
}


def _sqlstate(error: BaseException | None) -> str | None:
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


def _diag(error: BaseException | None, name: str) -> str | None:
    value = getattr(getattr(error, "diag", None), name, None)
    return value if isinstance(value, str) and value else None


def _primary(error: BaseException | None) -> str:
    text = _diag(error, "message_primary") or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def refused_column(
    error: BaseException | None,
    table: sa.Table,
    values: Mapping[str, Any],
    parameters: Sequence[str],
) -> str | None:
    """The column whose value the database refused, when it can be told."""
    named = _diag(error, "column_name")
    if named:
        return named
    number = PARAMETER.search(_diag(error, "context") or "")
    if number and 0 < int(number[1]) <= len(parameters):
        return parameters[int(number[1]) - 1]
    return _misfit(table, values)


def _misfit(table: sa.Table, values: Mapping[str, Any]) -> str | None:
    """The first value that cannot fit its column's type, judged from the table's types."""
    for name, value in values.items():
        kind = table.c[name].type
        if isinstance(value, str) and isinstance(kind, sa.String) and kind.length:
            if len(value.rstrip(" ")) > kind.length:
                return name
        elif isinstance(value, int) and not isinstance(value, bool):
            for integer, limit in INT_LIMITS:
                if isinstance(kind, integer) and not -limit <= value < limit:
                    return name
        elif isinstance(value, Mapping | list) and not isinstance(kind, sa.JSON):
            return name
    return None


def processing_column(
    table: sa.Table, values: Mapping[str, Any], dialect: sa.Dialect
) -> str | None:
    """The column whose SQLAlchemy type refuses its value before it reaches the database."""
    for name, value in values.items():
        process = table.c[name].type.bind_processor(dialect)
        if process is None:
            continue
        try:
            process(value)
        except (TypeError, ValueError):
            return name
    return None


def classify(
    error: sa_exc.SQLAlchemyError,
    table: sa.Table | None,
    values: Mapping[str, Any],
    parameters: Sequence[str],
    dialect: sa.Dialect,
) -> ConnectorError:
    """The hub error for ``error``, raised by writing ``values`` to ``table``."""
    where = f"table {table.fullname}" if table is not None else "the database"
    if isinstance(error, sa_exc.NoSuchTableError):
        return FatalError(f"table {error} does not exist; check `table`")
    if not isinstance(error, sa_exc.DBAPIError):
        if isinstance(error, sa_exc.StatementError) and table is not None:
            column = processing_column(table, values, dialect)
            label = f"column {table.fullname}.{column}" if column else where
            return PermanentError(f"{label}: {error.orig or error}")
        if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):
            return TransientError(f"{where}: {error}")
        return FatalError(f"{where}: {error}")
    cause = error.orig
    state = _sqlstate(cause)
    message = _primary(cause)
    if state in FATAL_STATES:
        return FatalError(f"{where}: {FATAL_STATES[state]}: {message}")
    refused = isinstance(error, sa_exc.IntegrityError | sa_exc.DataError) or (
        state is not None and (state[:2] in ("22", "23") or state in REFUSED_STATES)
    )
    if isinstance(error, sa_exc.ProgrammingError) and state is None:
        refused = True  # the driver could not send a value ("cannot adapt type")
    if refused and not error.connection_invalidated:
        text = f"{where}: {message}"
        if table is not None:
            column = refused_column(cause, table, values, parameters)
            if column:
                text = f"column {table.fullname}.{column}: {message}"
        constraint = _diag(cause, "constraint_name")
        detail = _diag(cause, "message_detail")
        if constraint:
            text += f" (constraint {constraint})"
        if detail:
            text += f"; {detail}"
        return PermanentError(text)
    if isinstance(error, sa_exc.ProgrammingError | sa_exc.NotSupportedError):
        return FatalError(f"{where}: {message}")
    return TransientError(f"{where}: {message}")
