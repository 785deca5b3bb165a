"""``hub demo`` from start to summary: Kafka, the world, the live view, a clean stop.

:func:`run_demo` returns the exit code: 0 when the story completed (or the demo was
stopped with Ctrl-C or SIGTERM), 1 when a bounded run ended without completing it, or
when the demo could not start.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.markup import escape

from hub.demo.broker import DemoKafka, demo_kafka
from hub.demo.errors import DemoError
from hub.demo.layout import Layout
from hub.demo.logs import DemoLog
from hub.demo.pace import Pace
from hub.demo.progress import live
from hub.demo.summary import summary, verdict
from hub.demo.view import View
from hub.demo.world import World
from hub.events import Catalog, EventError
from hub.localkafka.paths import project_root


@dataclass(frozen=True)
class Options:
    duration: float | None = None
    """Seconds to run before the summary; None: until Ctrl-C."""
    port: int = 9092
    """Port of the local broker (when HUB_KAFKA_BOOTSTRAP names no cluster)."""
    stories: int | None = None
    """End as soon as this many stories completed and a dead letter was replayed."""


@dataclass
class _Stop:
    event: threading.Event
    signal: str | None = None


@contextmanager
def _signals() -> Iterator[_Stop]:
    """SIGINT and SIGTERM end the run (cleanly) instead of raising in the middle of it."""
    stop = _Stop(threading.Event())
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum: int, _: FrameType | None) -> None:
        stop.signal = signal.Signals(signum).name
        stop.event.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_demo(
    options: Options, console: Console, env: Mapping[str, str], cwd: Path, pace: Pace | None = None
) -> int:
    layout = Layout.default(env, cwd)
    try:
        catalog = Catalog.load(project_root(cwd) / "schemas")
    except EventError as exc:
        console.print(f"[red]error:[/red] the event catalog: {escape(str(exc))}")
        return 1
    with _signals() as stop:
        try:
            kafka = demo_kafka(env, cwd, options.port)
        except DemoError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            return 1
        console.print(f"Kafka answers at {kafka.bootstrap}.")
        if stop.event.is_set():
            return 0
        console.print("Starting the municipality: PostgreSQL, three departments, the hub …")
        with DemoLog(layout.log) as log:
            world = World(
                layout, kafka, catalog, pace or Pace(), duration=options.duration, env=env
            )
            try:
                world.start()
            except DemoError as exc:
                console.print(f"[red]error:[/red] {escape(str(exc))}")
                return 1
            except Exception as exc:
                logging.getLogger(__name__).exception("the demo did not start")
                what = escape(f"{type(exc).__name__}: {exc}")
                console.print(f"[red]error:[/red] the demo did not start: {what} (see {log.path})")
                return 1
            try:
                _introduce(console, world)
                final = _watch(console, world, log, options, stop)
            finally:
                console.print("Stopping the demo …")
                world.stop()
    interrupted = stop.signal is not None
    console.print(summary(final, interrupted=interrupted, width=console.width))
    _farewell(console, kafka, layout, world.prefix)
    if interrupted:
        return 0
    return 1 if verdict(final) else 0


def _watch(console: Console, world: World, log: DemoLog, options: Options, stop: _Stop) -> View:
    deadline = world.deadline
    with live(console) as show:
        while True:
            view = world.view(log)
            show(view)
            if deadline is not None and time.monotonic() >= deadline:
                return view
            if options.stories and len(view.complete) >= options.stories and view.replayed:
                return view
            if stop.event.wait(0.25):
                return world.view(log)


def _introduce(console: Console, world: World) -> None:
    layout = world.layout
    console.print(
        f"The hub runs: metrics at [bold]{world.metrics_url}[/bold]\n"
        f"  configuration {layout.hub_yaml}, log {layout.log}\n"
        f"  e-services webhook {world.portal.url}\n"
        f"  departments: case system {world.case_system.service.url}, finance "
        f"{world.finance.service.url}, notifications {world.notifications.service.url}"
    )


def _farewell(console: Console, kafka: DemoKafka, layout: Layout, prefix: str) -> None:
    console.print("Stopped what the demo started: the hub, the departments and PostgreSQL.")
    if kafka.local:
        console.print(
            f"The Kafka broker keeps running at {kafka.bootstrap}: stop it with `hub kafka down`."
        )
    if prefix:
        console.print(
            f"This run's topics ({prefix}.*) stay until the next demo, e.g.\n"
            f"  hub dlq list {layout.hub_yaml} notify-residents"
        )
