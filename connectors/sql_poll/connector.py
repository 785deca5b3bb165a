"""The ``sql-poll`` connector type, registered under the ``hub.connectors`` entry points."""

from __future__ import annotations

from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.source import SqlPollSource
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="sql-poll",
    kind="source",
    summary="New and changed rows of a database table (or an outbox table) -> catalog events",
    config_model=SqlPollConfig,
    factory=SqlPollSource,
)
