"""The ``webhook`` push source: serves the app until the runtime says stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from connectors.webhook.app import Webhook, webhook_app
from connectors.webhook.config import WebhookConfig
from connectors.webhook.intake import Intake
from hub.runtime.server import ThreadedServer
from hub.sdk import FatalError, Publisher, PushSource, SourceContext


class WebhookSource(PushSource):
    """Listens on ``config.host:config.port`` while the runtime runs it.

    Events are checked against the catalog the runtime encodes with
    (``context.catalog``). Once :attr:`started` is set, :attr:`url` is the endpoint's
    address, with the port chosen when ``config.port`` is 0.
    """

    def __init__(self, config: WebhookConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.started = threading.Event()
        self.url: str | None = None

    def serve(self, context: SourceContext, publisher: Publisher) -> None:
        if context.catalog is None:
            raise FatalError(f"webhook {context.name}: the runtime gave no event catalog")
        try:
            intake = Intake(
                context.catalog,
                event_types=self.config.event_types,
                municipality_code=self.config.municipality_code,
            )
        except ValueError as exc:
            raise FatalError(f"webhook {context.name}: {exc}") from exc
        webhook = Webhook(self.config, intake, publisher, clock=self.clock)
        server = ThreadedServer(
            webhook_app(webhook), self.config.host, self.config.port, name=f"webhook-{context.name}"
        )
        try:
            try:
                server.start()
            except (OSError, RuntimeError) as exc:
                where = f"{context.name}: cannot listen on {self.config.host}:{self.config.port}"
                raise FatalError(f"webhook {where}: {exc}") from exc
            self.url = f"{server.url}{self.config.path}"
            context.log(f"webhook {context.name}: accepting events at POST {self.url}")
            self.started.set()
            context.stopping.wait()
        finally:
            self.started.clear()
            server.stop()
