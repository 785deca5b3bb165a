"""``hub validate`` and ``hub run``: check a ``hub.yaml``, then run what it configures."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console

from hub.config import ConfigError, LoadedConfig, load_config
from hub.connection import KafkaConnection
from hub.events import Catalog, Encoder, EventError
from hub.localkafka.paths import project_root
from hub.runtime.app import Runtime
from hub.runtime.topics import event_topics
from hub.sdk.registry import BrokenConnectorPackage, Registry

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigArg = typer.Argument(..., exists=False, metavar="HUB_YAML", help="The hub.yaml to use.")
CatalogOpt = typer.Option(None, "--catalog", help="Schema catalog folder [default: schemas/].")


def _load(file: Path) -> LoadedConfig:
    try:
        return load_config(file, Registry.discover(), os.environ)
    except (ConfigError, BrokenConnectorPackage) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


def validate(file: Path = ConfigArg) -> None:
    """Check a configuration; print every problem with its path, exit 1 if any."""
    loaded = _load(file)
    names = ", ".join(c.spec.name for c in loaded.connectors) or "none"
    console.print(f"{file}: valid ({len(loaded.connectors)} connector(s): {names})")


def run(
    file: Path = ConfigArg,
    only: list[str] = typer.Option(  # noqa: B008
        [], "--only", help="Run only this connector (repeatable); one process per connector."
    ),
    catalog: Path | None = CatalogOpt,
    log_level: str = typer.Option("INFO", help="Log level."),
) -> None:
    """Run the configured connectors until SIGTERM or SIGINT, then stop cleanly (exit 0)."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("kafka").setLevel(logging.WARNING)
    loaded = _load(file)
    conn = loaded.hub.kafka.connection(KafkaConnection.from_env(os.environ))
    try:
        cat = Catalog.load(catalog or project_root(Path.cwd()) / "schemas")
    except EventError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    prefix = loaded.hub.kafka.topic_prefix
    encoder = Encoder(cat, topic_prefix=prefix)
    try:
        runtime = Runtime(
            loaded,
            conn=conn,
            encoder=encoder,
            event_topics=event_topics(cat, prefix),
            only=only or None,
            catalog=cat,
        )
    except KeyError as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(2) from exc

    def stop(signum: int, _: FrameType | None) -> None:
        logging.getLogger("hub").info("%s: stopping", signal.Signals(signum).name)
        runtime.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runtime.start()
    if runtime.http is not None:
        console.print(f"hub running: metrics at {runtime.http.url}/metrics")
    try:
        runtime.wait()
    finally:
        runtime.stop()
    failed = [w.name for w in runtime.workers if not w.healthy() and w.failed]
    if failed:
        err.print(f"stopped; failed connectors: {', '.join(failed)}")
