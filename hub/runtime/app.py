"""One ``hub run`` process: its sources on threads, the observability endpoint, shutdown."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry

from hub.config import LoadedConfig, ResolvedConnector
from hub.connection import KafkaConnection
from hub.events import Catalog, Encoder
from hub.localkafka.probe import broker_answers
from hub.runtime.metrics import SourceMetrics
from hub.runtime.observability import observability_app
from hub.runtime.positions import positions_topic_spec
from hub.runtime.publisher import KafkaPublisher
from hub.runtime.server import ThreadedServer
from hub.runtime.source_runner import SourceRunner
from hub.runtime.topics import TopicSpec, deadletter_topic, ensure_topics, positions_topic
from hub.sdk.types import PushSource, Source, SourceContext

log = logging.getLogger(__name__)


@dataclass
class _Worker:
    name: str
    thread: threading.Thread
    runner: SourceRunner | None = None
    closers: list[Any] = field(default_factory=list)
    failed: list[BaseException] = field(default_factory=list)

    def healthy(self) -> bool:
        if self.runner is not None and self.runner.failed is not None:
            return False
        return self.thread.is_alive() and not self.failed


class Runtime:
    """Runs the configured sources until :meth:`stop`; one thread per connector."""

    def __init__(
        self,
        config: LoadedConfig,
        *,
        conn: KafkaConnection,
        encoder: Encoder,
        event_topics: Iterable[str],
        registry: CollectorRegistry | None = None,
        only: Iterable[str] | None = None,
        serve_http: bool = True,
        catalog: Catalog | None = None,
    ) -> None:
        self.config = config
        self.catalog = catalog
        self.conn = conn
        self.encoder = encoder
        self.prefix = config.hub.kafka.topic_prefix
        self.event_topics = list(event_topics)
        self.registry = registry or CollectorRegistry()
        self.metrics = SourceMetrics.create(self.registry)
        self.stopping = threading.Event()
        wanted = set(only) if only else None
        self.connectors = [c for c in config.connectors if wanted is None or c.spec.name in wanted]
        if wanted is not None and (unknown := wanted - {c.spec.name for c in self.connectors}):
            raise KeyError(f"no connector named {', '.join(sorted(unknown))} in {config.file}")
        self.serve_http = serve_http
        self.http: ThreadedServer | None = None
        self.workers: list[_Worker] = []

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        ensure_topics(self.conn, self._topics())
        if self.serve_http:
            obs = self.config.hub.observability
            app = observability_app(self.registry, self.readiness)
            self.http = ThreadedServer(app, obs.host, obs.port, name="observability")
            self.http.start()
            log.info("metrics at %s/metrics", self.http.url)
        for conn in self.connectors:
            self.workers.append(self._start(conn))

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.thread.join(timeout)
        for worker in self.workers:
            for closer in worker.closers:
                closer()
        if self.http is not None:
            self.http.stop()

    def wait(self) -> None:
        """Block until stopped (signals set :attr:`stopping`)."""
        while not self.stopping.wait(0.5):
            pass

    def readiness(self) -> dict[str, bool]:
        client = self.conn.client_config()
        bootstrap = ",".join(client.pop("bootstrap_servers"))
        client.pop("client_id")
        checks = {"kafka": broker_answers(bootstrap, timeout=2.0, client=client)}
        for worker in self.workers:
            checks[f"connector:{worker.name}"] = worker.healthy()
        return checks

    # -- helpers -----------------------------------------------------------------------
    def _topics(self) -> list[TopicSpec]:
        specs = [TopicSpec(t) for t in self.event_topics]
        specs.append(positions_topic_spec(positions_topic(self.prefix)))
        specs += [TopicSpec(deadletter_topic(self.prefix, c.spec.name)) for c in self.connectors]
        return specs

    def _start(self, conn: ResolvedConnector) -> _Worker:
        name = conn.spec.name
        built = conn.type.build(conn.config)
        if isinstance(built, Source):
            runner = SourceRunner(
                name,
                built,
                conn=self.conn,
                encoder=self.encoder,
                prefix=self.prefix,
                positions_topic=positions_topic(self.prefix),
                metrics=self.metrics,
                stopping=self.stopping,
                catalog=self.catalog,
            )
            thread = threading.Thread(target=runner.run, name=f"source-{name}", daemon=True)
            worker = _Worker(name, thread, runner=runner)
        elif isinstance(built, PushSource):
            publisher = KafkaPublisher(
                name,
                conn=self.conn,
                encoder=self.encoder,
                prefix=self.prefix,
                metrics=self.metrics,
            )
            worker = _Worker(name, threading.Thread(), closers=[publisher.close])
            worker.thread = threading.Thread(
                target=self._serve,
                args=(worker, built, publisher),
                name=f"push-{name}",
                daemon=True,
            )
        else:
            raise TypeError(f"connector {name}: {conn.type.name} built a {type(built).__name__}")
        worker.thread.start()
        return worker

    def _serve(self, worker: _Worker, source: PushSource, publisher: KafkaPublisher) -> None:
        self.metrics.up.labels(worker.name).set(1)
        try:
            source.serve(
                SourceContext(worker.name, self.stopping, log.info, self.catalog), publisher
            )
        except Exception as exc:
            worker.failed.append(exc)
            self.metrics.errors.labels(worker.name, type(exc).__name__).inc()
            log.exception("source %s stopped: %s", worker.name, exc)
        finally:
            self.metrics.up.labels(worker.name).set(0)
