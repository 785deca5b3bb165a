"""The target table as the database describes it, checked against the configuration."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.sql_upsert.config import SqlUpsertConfig
from hub.sdk import FatalError


def _unique_sets(inspector: sa.Inspector, name: str, schema: str | None) -> list[set[str]]:
    sets = [set(inspector.get_pk_constraint(name, schema).get("constrained_columns") or ())]
    sets += [set(u["column_names"]) for u in inspector.get_unique_constraints(name, schema)]
    sets += [
        {c for c in i["column_names"] if c is not None}
        for i in inspector.get_indexes(name, schema)
        if i.get("unique")
    ]
    return [s for s in sets if s]


def reflect(connection: sa.Connection, config: SqlUpsertConfig) -> sa.Table:
    """The table with its columns' types; FatalError when it cannot take the rows."""
    schema, _, name = config.table.rpartition(".")
    inspector = sa.inspect(connection)
    if not inspector.has_table(name, schema or None):
        raise FatalError(f"table {config.table} does not exist; check `table` (and its schema)")
    table = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=connection)
    wanted = [config.key_column, *config.columns]
    missing = [c for c in wanted if c not in table.c]
    if missing:
        have = ", ".join(table.c.keys())
        raise FatalError(
            f"table {config.table} has no column {', '.join(missing)} (it has: {have}); "
            "check `key_column` and `columns`"
        )
    conflict = set(config.conflict_columns)
    if conflict not in _unique_sets(inspector, name, schema or None):
        columns = ", ".join(config.conflict_columns)
        raise FatalError(
            f"table {config.table} needs a unique constraint on ({columns}) so a repeated "
            f"delivery can be recognised: ALTER TABLE {config.table} ADD UNIQUE ({columns})"
        )
    return table
