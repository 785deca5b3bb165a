"""The simulated municipality: starting its parts in order, and stopping what started.

Start order: the run's topic prefix (the previous run's topics are removed), a fresh
PostgreSQL with the case system's and finance's databases, the three department
services, the run's hub.yaml, the hub's Runtime (in-process, ``/metrics`` on a free
port), then what makes things happen: the story watcher, the portal, the bank and the
director. :meth:`World.stop` stops all of it in reverse order, except Kafka.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Protocol, TypeVar

from hub.config import ConfigError, load_config
from hub.demo.bank import Bank
from hub.demo.broker import DemoKafka, forget_last_run, new_prefix, remember_run
from hub.demo.case_system import CaseSystem
from hub.demo.config import Endpoints, write_config
from hub.demo.database import DIARIUM, EKONOMI, create_database, fresh_postgres
from hub.demo.director import Director
from hub.demo.errors import DemoError
from hub.demo.finance import Finance
from hub.demo.layout import Layout
from hub.demo.logs import DemoLog
from hub.demo.metrics import HubCounts
from hub.demo.notifications import FEE_PAID, Notifications
from hub.demo.pace import Pace
from hub.demo.portal import Portal
from hub.demo.stories import StoryBoard, Watcher
from hub.demo.view import View
from hub.events import Catalog
from hub.localkafka.broker import free_port
from hub.runtime.app import Runtime
from hub.runtime.topics import event_topics
from hub.sdk import Registry


class _Startable(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


_Part = TypeVar("_Part", bound=_Startable)


class World:
    def __init__(
        self,
        layout: Layout,
        kafka: DemoKafka,
        catalog: Catalog,
        pace: Pace,
        *,
        duration: float | None,
        env: Mapping[str, str],
    ) -> None:
        self.layout = layout
        self.kafka = kafka
        self.catalog = catalog
        self.pace = pace
        self.duration = duration
        self.env = env
        self.prefix = ""
        self.started = time.monotonic()
        self._stack = contextlib.ExitStack()

    @property
    def deadline(self) -> float | None:
        return None if self.duration is None else self.started + self.duration

    def start(self) -> None:
        """Start every part; raises :class:`DemoError` (after stopping what started)."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        layout, conn, pace = self.layout, self.kafka.conn, self.pace
        layout.root.mkdir(parents=True, exist_ok=True)
        forget_last_run(conn, layout.state)
        self.prefix = new_prefix()
        remember_run(conn, layout.state, self.prefix)

        pg = fresh_postgres(layout.postgres)
        self._stack.callback(pg.stop, "fast")
        diarium = create_database(pg, "diarium", DIARIUM)
        ekonomi = create_database(pg, "ekonomi", EKONOMI)

        self.case_system = self._started(CaseSystem(diarium, pace))
        self.finance = self._started(Finance(ekonomi))
        self.notifications = Notifications()
        self.notifications.service.start()
        self._stack.callback(self.notifications.service.stop)

        ends = Endpoints(
            webhook_port=free_port(),
            case_system=self.case_system.service.url,
            finance=self.finance.service.url,
            notifications=self.notifications.service.url,
            diarium_db=diarium,
            ekonomi_db=ekonomi,
        )
        bootstrap = None if self.kafka.in_env else self.kafka.bootstrap
        file, secret = write_config(layout, self.prefix, bootstrap, ends, pace)
        try:
            self.loaded = load_config(file, Registry.discover(), self.env, self.catalog)
        except ConfigError as exc:
            raise DemoError(f"the demo wrote a configuration the hub refuses:\n{exc}") from exc
        self.runtime = Runtime(self.loaded, conn=conn, catalog=self.catalog)
        self.runtime.start()
        self._stack.callback(self.runtime.stop)

        self.started = time.monotonic()
        self.board = StoryBoard(self.started)
        topics = event_topics(self.catalog, self.prefix)
        self.watcher = self._started(Watcher(conn, topics, self.catalog, self.board))
        webhook = f"http://127.0.0.1:{ends.webhook_port}/eservice/events"
        self.portal = self._started(Portal(webhook, secret, pace))
        self.bank = self._started(Bank(self.finance.service.url, layout.inbox, pace))
        self.director = self._started(
            Director(
                self.runtime,
                self.loaded,
                self.notifications,
                self.portal,
                pace,
                started=self.started,
                deadline=self.deadline,
            )
        )

    def _started(self, part: _Part) -> _Part:
        part.start()
        self._stack.callback(part.stop)
        return part

    def stop(self) -> None:
        """Stop everything started, newest first (Kafka keeps running)."""
        self._stack.close()

    @property
    def metrics_url(self) -> str:
        http = self.runtime.http
        return f"{http.url}/metrics" if http is not None else "(not served)"

    def view(self, log: DemoLog) -> View:
        hub = HubCounts.read(self.runtime.registry)
        down, notified = self.notifications.snapshot()
        failed = [
            f"{w.kind} {w.name}"
            for w in self.runtime.workers
            if w.failed or w.runner_failed() is not None
        ]
        return View(
            elapsed=time.monotonic() - self.started,
            duration=self.duration,
            metrics_url=self.metrics_url,
            kafka=self.kafka.bootstrap,
            prefix=self.prefix,
            hub=hub,
            case_system=self.case_system.snapshot(),
            finance=self.finance.snapshot(),
            notifications=notified,
            notifications_down=down,
            notifications_back_at=self.director.back_at,
            portal=self.portal.snapshot(),
            portal_open=self.portal.open,
            bank=self.bank.snapshot(),
            stories=self.board.stories(self.notifications.sent(FEE_PAID)),
            replays=self.director.replayed(),
            failed=failed,
            warnings=log.recent(4),
            errors=log.errors + hub.errors,
        )
