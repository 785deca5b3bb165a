"""The ``sql-upsert`` sink connector type, registered under the ``hub.connectors`` entry points."""

from __future__ import annotations

from connectors.sql_upsert.config import SqlUpsertConfig
from connectors.sql_upsert.sink import SqlUpsertSink
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="sql-upsert",
    kind="sink",
    summary="Insert or update a row per delivery in a PostgreSQL or SQLite table, by event id",
    config_model=SqlUpsertConfig,
    factory=SqlUpsertSink,
)
