"""The ``email`` sink connector type, registered under the ``hub.connectors`` entry points."""

from __future__ import annotations

from connectors.email_sink.config import EmailSinkConfig
from connectors.email_sink.sink import EmailSink
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="email",
    kind="sink",
    summary="Send an e-mail per delivery over SMTP, from subject and body templates",
    config_model=EmailSinkConfig,
    factory=EmailSink,
)
