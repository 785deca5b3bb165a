"""The demo's script, played on a thread while the municipality runs.

* The notification service is down from the start for ``pace.notifications_down``
  seconds, and until the hub has dead-lettered at least one notification, so retries
  and a dead letter always show.
* Once it is back, the ``notify-residents`` route's dead letters are replayed every few
  seconds with :mod:`hub.routing.dlq`, exactly as ``hub dlq replay`` does; the
  notification service drops repeats by their Idempotency-Key.
* In a bounded run the portal stops taking applications ``pace.closing`` seconds before
  the end, so the stories in flight can finish.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from kafka.errors import KafkaError

from hub.config import LoadedConfig
from hub.connection import KafkaConnection
from hub.demo.config import NOTIFY_ROUTE
from hub.demo.metrics import HubCounts
from hub.demo.notifications import Notifications
from hub.demo.pace import Pace
from hub.demo.portal import Portal
from hub.events import Catalog, Decoder, Encoder
from hub.routing.dlq import read_dead_letters, replay, replay_topic, select
from hub.routing.pipeline import Pipeline
from hub.routing.types import KafkaSink, Sink, SinkContext
from hub.runtime.app import Runtime
from hub.runtime.retry import RetryPolicy
from hub.runtime.topics import TopicSpec, deadletter_topic, ensure_topics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Replayed:
    event_id: str
    delivered: bool
    detail: str
    at: float
    """Seconds since the demo began."""


class Director:
    def __init__(
        self,
        runtime: Runtime,
        loaded: LoadedConfig,
        notifications: Notifications,
        portal: Portal,
        pace: Pace,
        *,
        started: float,
        deadline: float | None,
    ) -> None:
        self.runtime = runtime
        self.loaded = loaded
        self.notifications = notifications
        self.portal = portal
        self.pace = pace
        self.started = started
        self.deadline = deadline
        self.back_at: float | None = None
        """When the notification service came back (seconds since the start)."""
        self.portal_closed_at: float | None = None
        self.replays: list[Replayed] = []
        self.prefix = loaded.hub.kafka.topic_prefix
        self.dlq_topic = deadletter_topic(self.prefix, NOTIFY_ROUTE)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-director", daemon=True)

    @property
    def conn(self) -> KafkaConnection:
        return self.runtime.conn

    def start(self) -> None:
        ensure_topics(self.conn, [TopicSpec(replay_topic(self.dlq_topic), partitions=1)])
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(30)

    def replayed(self) -> list[Replayed]:
        with self._lock:
            return list(self.replays)

    def _run(self) -> None:
        next_replay = 0.0
        while not self._stopping.wait(0.25):
            now = time.monotonic() - self.started
            closing = None if self.deadline is None else self.deadline - self.pace.closing
            if closing is not None and self.portal.open and time.monotonic() >= closing:
                self.portal.open = False
                self.portal_closed_at = now
            if self.notifications.down:
                if self._time_to_come_back(now):
                    self.notifications.down = False
                    self.back_at = now
                    next_replay = now + 1.0
                continue
            if now >= next_replay:
                try:
                    self._replay(now)
                except (KafkaError, TimeoutError) as exc:
                    log.warning("replaying %s's dead letters: %s", NOTIFY_ROUTE, exc)
                next_replay = now + self.pace.replay_every

    def _time_to_come_back(self, now: float) -> bool:
        if now < self.pace.notifications_down:
            return False
        letters = HubCounts.read(self.runtime.registry).dead_letters[NOTIFY_ROUTE]
        return letters > 0 or now >= 3 * self.pace.notifications_down

    def _replay(self, now: float) -> None:
        letters = select(read_dead_letters(self.conn, self.dlq_topic), [])
        if not letters:
            return
        route = self.loaded.route(NOTIFY_ROUTE)
        sink = route.sink_type.build(route.sink_config)
        assert isinstance(sink, Sink | KafkaSink)
        catalog: Catalog = self.runtime.catalog
        retry = route.spec.retry
        results = replay(
            letters,
            pipeline=route.pipeline or Pipeline.compile(route.spec, catalog),
            sink=sink,
            context=SinkContext(
                NOTIFY_ROUTE, self._stopping, catalog, Encoder(catalog, topic_prefix=self.prefix)
            ),
            decoder=Decoder(catalog),
            conn=self.conn,
            dlq_topic=self.dlq_topic,
            policy=RetryPolicy(initial=retry.initial, max=retry.max, jitter=retry.jitter),
            max_attempts=retry.max_attempts,
        )
        with self._lock:
            self.replays += [Replayed(r.event_id, r.delivered, r.detail, now) for r in results]
        done = sum(r.delivered for r in results)
        log.info("replayed %d of %d dead letters of %s", done, len(results), NOTIFY_ROUTE)
