"""The ``email`` sink: compose the message for a delivery and hand it to the SMTP server."""

from __future__ import annotations

import ssl

from connectors.email_sink.config import EmailSinkConfig
from connectors.email_sink.message import Composer
from connectors.email_sink.smtp import SmtpClient
from hub.routing.types import Delivery, Sink, SinkContext


class EmailSink(Sink):
    """Sends one e-mail per delivery; its Message-ID is ``<event id@domain>``."""

    def __init__(self, config: EmailSinkConfig) -> None:
        self.config = config
        self.composer = Composer(config)
        self._client: SmtpClient | None = None

    def open(self, context: SinkContext) -> None:
        tls = None
        if self.config.security != "none":
            cafile = str(self.config.ca_file) if self.config.ca_file else None
            tls = ssl.create_default_context(cafile=cafile)
        self._client = SmtpClient(self.config, tls)

    def deliver(self, delivery: Delivery) -> None:
        if self._client is None:
            raise RuntimeError("EmailSink.deliver before open()")
        outgoing = self.composer.compose(delivery)
        label = "the recipient" if self.config.fixed_recipient else f"the {self.config.to}"
        self._client.send(outgoing, label)
