"""What a database's failures mean to the runtime, worded once for the polling process
(through SQLAlchemy) and the encoding worker (through the driver alone).

Nothing here imports SQLAlchemy. Messages carry the driver's first line only: bound
values (row data) and the URL's password never reach them.
"""

from __future__ import annotations

from hub.sdk import FatalError, TransientError


def first_line(exc: BaseException) -> str:
    """The first line of the driver's message (SQLAlchemy's wrapper unwrapped)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def unavailable(exc: BaseException) -> TransientError:
    """The database cannot be reached, or the connection was lost: retry later."""
    return TransientError(f"database unavailable: {first_line(exc)}")


def rejected(connector: str, exc: BaseException) -> FatalError:
    """The database refused the query: a person must look."""
    return FatalError(
        f"connector {connector}: the database rejected the query: {first_line(exc)}; "
        "check config.table, config.where and the column names"
    )
