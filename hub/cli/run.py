"""``hub validate`` and ``hub run``: check a ``hub.yaml``, then run what it configures."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from types import FrameType

import typer

from hub.cli.common import CatalogOpt, ConfigArg, connection, console, err, load, load_catalog
from hub.runtime.app import Runtime
from hub.runtime.source_runner import Fenced

EXIT_TAKEN_OVER = 3
"""``hub run``'s exit status when another instance took over its positioned sources: a
supervisor should not start this one again (systemd: ``RestartPreventExitStatus=3``)."""


def validate(file: Path = ConfigArg, catalog: Path | None = CatalogOpt) -> None:
    """Check a configuration; print every problem with its path, exit 1 if any."""
    loaded = load(file, load_catalog(catalog))
    connectors = ", ".join(c.spec.name for c in loaded.connectors) or "none"
    routes = ", ".join(r.spec.name for r in loaded.routes) or "none"
    console.print(f"{file}: valid (connectors: {connectors}; routes: {routes})")


def run(
    file: Path = ConfigArg,
    only: list[str] = typer.Option(  # noqa: B008
        [], "--only", help="Run only this connector or route (repeatable)."
    ),
    catalog: Path | None = CatalogOpt,
    log_level: str = typer.Option("INFO", help="Log level."),
    metrics_port: int | None = typer.Option(
        None, help="Port of /metrics, /healthz, /readyz (overrides observability.port)."
    ),
    keep_going: bool = typer.Option(
        False, help="Keep running the others when a connector or route fails for good."
    ),
) -> None:
    """Run the configured connectors and routes until SIGTERM or SIGINT (exit 0), or until
    one fails for good (exit 1, so systemd or Kubernetes restarts the process). Exit 3: a
    second instance of its positioned sources took them over (fenced the first); restarting
    this one would only take them back and forth."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("kafka").setLevel(logging.WARNING)
    cat = load_catalog(catalog)
    loaded = load(file, cat, only or None)
    if metrics_port is not None:
        loaded.hub.observability.port = metrics_port
    runtime = Runtime(loaded, conn=connection(loaded), catalog=cat)

    def stop(signum: int, _: FrameType | None) -> None:
        logging.getLogger("hub").info("%s: stopping", signal.Signals(signum).name)
        runtime.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runtime.start()
    if runtime.http is not None:
        console.print(f"hub running: metrics at {runtime.http.url}/metrics")
    try:
        failed = runtime.wait(keep_going=keep_going)
    finally:
        runtime.stop()
    if failed:
        names = ", ".join(w.name for w in failed)
        if all(isinstance(w.failure(), Fenced) for w in failed):
            err.print(f"stopped: another instance took over {names} (fenced); not restarting")
            raise typer.Exit(EXIT_TAKEN_OVER)
        err.print(f"stopped; failed: {names}")
        raise typer.Exit(1)
