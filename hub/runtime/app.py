"""One ``hub run`` process: its sources and routes on threads, observability, shutdown."""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry

from hub.config import LoadedConfig, ResolvedConnector
from hub.config.loader import ResolvedRoute
from hub.connection import KafkaConnection
from hub.events import Catalog, Decoder, Encoder
from hub.localkafka.probe import broker_answers
from hub.routing.pipeline import Pipeline
from hub.routing.processing import RouteWork
from hub.routing.runner import RouteRunner
from hub.routing.types import KafkaSink, Sink, SinkContext
from hub.runtime.metrics import RouteMetrics, SourceMetrics
from hub.runtime.observability import observability_app
from hub.runtime.positions import positions_topic_spec
from hub.runtime.publisher import KafkaPublisher
from hub.runtime.server import ThreadedServer
from hub.runtime.source_runner import SourceRunner
from hub.runtime.topics import (
    TopicSpec,
    deadletter_topic,
    ensure_topics,
    event_topics,
    positions_topic,
)
from hub.sdk.types import PushSource, Source, SourceContext

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """A connector or route running on its own thread."""

    name: str
    kind: str
    thread: threading.Thread = field(default_factory=threading.Thread)
    failed: list[BaseException] = field(default_factory=list)
    runner_failed: Callable[[], BaseException | None] = lambda: None
    closers: list[Any] = field(default_factory=list)

    def healthy(self) -> bool:
        return self.thread.is_alive() and not self.failed and self.runner_failed() is None

    def failure(self) -> BaseException | None:
        """What stopped it for good, if anything did."""
        return self.failed[0] if self.failed else self.runner_failed()


class Runtime:
    """Runs the configured sources and routes until :meth:`stop`; one thread each."""

    def __init__(
        self,
        config: LoadedConfig,
        *,
        conn: KafkaConnection,
        catalog: Catalog,
        registry: CollectorRegistry | None = None,
        serve_http: bool = True,
    ) -> None:
        self.config = config
        self.catalog = catalog
        self.conn = conn
        self.prefix = config.hub.kafka.topic_prefix
        self.encoder = Encoder(catalog, topic_prefix=self.prefix)
        self.decoder = Decoder(catalog)
        self.registry = registry or CollectorRegistry()
        self.metrics = SourceMetrics.create(self.registry)
        self.route_metrics = RouteMetrics.create(self.registry)
        self.stopping = threading.Event()
        # The parts to run: a config loaded with ``only`` (``hub run --only``) holds just those.
        self.connectors = list(config.connectors)
        self.routes = list(config.routes)
        self.serve_http = serve_http
        self.http: ThreadedServer | None = None
        self.workers: list[Worker] = []

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
            self.workers.append(self._start_connector(conn))
        for route in self.routes:
            self.workers.append(self._start_route(route))

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.thread.join(timeout)
        for worker in self.workers:
            for closer in worker.closers:
                closer()
        if self.http is not None:
            self.http.stop()

    def wait(self, *, keep_going: bool = False) -> list[Worker]:
        """Block until stopped (signals set :attr:`stopping`) or, unless ``keep_going``,
        until a connector or route failed for good; return the failed ones."""
        while not self.stopping.wait(0.5):
            failed = self.failed()
            if failed and not keep_going:
                names = ", ".join(w.name for w in failed)
                log.error("stopping: %s failed; a supervisor restarts the process", names)
                return failed
        return self.failed()

    def failed(self) -> list[Worker]:
        return [w for w in self.workers if w.failed or w.runner_failed() is not None]

    def readiness(self) -> dict[str, bool]:
        client = self.conn.client_config()
        bootstrap = ",".join(client.pop("bootstrap_servers"))
        client.pop("client_id")
        checks = {"kafka": broker_answers(bootstrap, timeout=2.0, client=client)}
        for worker in self.workers:
            checks[f"{worker.kind}:{worker.name}"] = worker.healthy()
        return checks

    # -- helpers -----------------------------------------------------------------------
    def _topics(self) -> list[TopicSpec]:
        specs = [TopicSpec(t) for t in event_topics(self.catalog, self.prefix)]
        specs.append(positions_topic_spec(positions_topic(self.prefix)))
        names = [c.spec.name for c in self.connectors] + [r.spec.name for r in self.routes]
        specs += [TopicSpec(deadletter_topic(self.prefix, name)) for name in names]
        return specs

    def _start_connector(self, conn: ResolvedConnector) -> Worker:
        name = conn.spec.name
        built = conn.type.build(conn.config)
        worker = Worker(name, "connector")
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
            worker.runner_failed = lambda: runner.failed
            worker.thread = threading.Thread(target=runner.run, name=f"source-{name}", daemon=True)
        elif isinstance(built, PushSource):
            publisher = KafkaPublisher(
                name,
                conn=self.conn,
                encoder=self.encoder,
                prefix=self.prefix,
                metrics=self.metrics,
            )
            worker.closers.append(publisher.close)
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

    def _start_route(self, route: ResolvedRoute) -> Worker:
        name = route.spec.name
        sink = route.sink_type.build(route.sink_config)
        if not isinstance(sink, Sink | KafkaSink):
            raise TypeError(f"route {name}: {route.sink_type.name} built a {type(sink).__name__}")
        pipeline = route.pipeline or Pipeline.compile(route.spec, self.catalog)
        runner = RouteRunner(
            route.spec,
            pipeline,
            sink,
            conn=self.conn,
            decoder=self.decoder,
            prefix=self.prefix,
            metrics=self.route_metrics,
            stopping=self.stopping,
            sink_context=SinkContext(name, self.stopping, self.catalog, self.encoder),
            work=self._route_work(route, sink),
        )
        worker = Worker(name, "route", runner_failed=lambda: runner.failed)
        worker.thread = threading.Thread(target=runner.run, name=f"route-{name}", daemon=True)
        worker.thread.start()
        return worker

    def _route_work(self, route: ResolvedRoute, sink: Sink | KafkaSink) -> RouteWork | None:
        """What a Kafka-sink route's worker process needs (``process_in_worker``), with
        a sink of its own, or None to do the work in this process."""
        if not (route.spec.process_in_worker and isinstance(sink, KafkaSink)):
            return None
        own = route.sink_type.build(route.sink_config)
        if not isinstance(own, KafkaSink):
            return None
        work = RouteWork(route.spec, self.catalog, self.prefix, own)
        try:
            pickle.dumps(work)
        except Exception as exc:  # a third-party sink that holds what cannot be pickled
            log.warning(
                "route %s: its %s sink cannot be handed to a worker process (%s: %s); the "
                "route decodes, transforms and encodes in this process",
                route.spec.name,
                route.sink_type.name,
                type(exc).__name__,
                exc,
            )
            return None
        return work

    def _serve(self, worker: Worker, source: PushSource, publisher: KafkaPublisher) -> None:
        self.metrics.up.labels(worker.name).set(1)
        try:
            context = SourceContext(worker.name, self.stopping, log.info, self.catalog)
            source.serve(context, publisher)
        except Exception as exc:
            worker.failed.append(exc)
            self.metrics.errors.labels(worker.name, type(exc).__name__).inc()
            log.exception("source %s stopped: %s", worker.name, exc)
        finally:
            self.metrics.up.labels(worker.name).set(0)
