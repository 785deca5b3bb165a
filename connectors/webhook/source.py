"""The ``webhook`` push source: serves the app until the runtime says stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from connectors.webhook.app import Webhook, webhook_app
from connectors.webhook.config import WebhookConfig
from connectors.webhook.intake import Intake
from hub.events import Catalog, CatalogError
from hub.localkafka.paths import project_root
from hub.runtime.server import ThreadedServer
from hub.sdk import FatalError, Publisher, PushSource, SourceContext


class WebhookSource(PushSource):
    """Listens on ``config.host:config.port`` while the runtime runs it.

    ``catalog`` overrides ``config.catalog`` (tests pass the session's). After
    :attr:`started` is set, :attr:`url` is the endpoint's address (the port chosen when
    ``config.port`` is 0).
    """

    def __init__(
        self,
        config: WebhookConfig,
        *,
        catalog: Catalog | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.catalog = catalog
        self.clock = clock
        self.started = threading.Event()
        self.url: str | None = None

    def serve(self, context: SourceContext, publisher: Publisher) -> None:
        catalog = self.catalog or _load_catalog(self.config.catalog)
        try:
            intake = Intake(
                catalog,
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


def _load_catalog(folder: Path | None) -> Catalog:
    root = folder or project_root(Path.cwd()) / "schemas"
    try:
        return Catalog.load(root)
    except CatalogError as exc:
        raise FatalError(str(exc)) from exc
    except OSError as exc:
        raise FatalError(f"cannot read the event catalog in {root}: {exc}") from exc
