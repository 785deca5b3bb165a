"""The upsert statement: ``INSERT … ON CONFLICT`` in PostgreSQL's and SQLite's dialects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler

from connectors.sql_upsert.config import SqlUpsertConfig

PYFORMAT = re.compile(r"%\(([^)]+)\)s")


def upsert(
    table: sa.Table, values: Mapping[str, Any], config: SqlUpsertConfig, dialect: str
) -> postgresql.Insert | sqlite.Insert:
    """Insert ``values``; on a conflict skip (by event id) or update (by ``on_conflict``)."""
    if dialect == "postgresql":
        stmt: postgresql.Insert | sqlite.Insert = postgresql.insert(table).values(dict(values))
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(dict(values))
    else:  # refused by the configuration already
        raise ValueError(f"no upsert for {dialect}")
    conflict = config.conflict_columns
    updates = {c: stmt.excluded[c] for c in values if c not in conflict}
    if not config.on_conflict or not updates:
        return stmt.on_conflict_do_nothing(index_elements=conflict)
    where = None
    if config.version_column is not None:
        stored = table.c[config.version_column]
        where = sa.or_(stored.is_(None), stored <= stmt.excluded[config.version_column])
    return stmt.on_conflict_do_update(index_elements=conflict, set_=updates, where=where)


def parameter_columns(stmt: sa.ClauseElement, dialect: sa.Dialect) -> list[str]:
    """Bound parameters in the order the driver numbers them ($1, $2, …)."""
    compiled = stmt.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        return []
    escaped = {v: k for k, v in (compiled.escaped_bind_names or {}).items()}
    order: list[str] = []
    for name in compiled.positiontup or PYFORMAT.findall(str(compiled)):
        name = escaped.get(name, name)
        if name not in order:
            order.append(name)
    return order
