"""The ``http`` sink connector type, registered under the ``hub.connectors`` entry points."""

from __future__ import annotations

from connectors.http_sink.config import HttpSinkConfig
from connectors.http_sink.sink import HttpSink
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="http",
    kind="sink",
    summary="POST each delivery as JSON to a REST API, with the event id as Idempotency-Key",
    config_model=HttpSinkConfig,
    factory=HttpSink,
)
