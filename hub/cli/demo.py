"""``hub demo``: the newcomer's tour, a simulated municipality run through the hub."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from hub.demo.run import Options, run_demo


def demo(
    duration: float | None = typer.Option(
        None,
        "--duration",
        min=1,
        metavar="SECONDS",
        help="Run this long, then print the summary; exit 1 if the story did not complete "
        "(default: until Ctrl-C).",
    ),
    port: int = typer.Option(
        9092, help="Port of the local broker (unused when HUB_KAFKA_BOOTSTRAP is set)."
    ),
    stories: int | None = typer.Option(
        None,
        "--stories",
        min=1,
        metavar="N",
        help="End as soon as N stories are complete and a dead letter was replayed.",
    ),
) -> None:
    """Run a small simulated municipality through the hub, on a local Kafka broker.

    Portal, case system, finance, bank and notifications talk through the hub. Ctrl-C stops.
    """
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    code = run_demo(Options(duration, port, stories), console, os.environ, Path.cwd())
    if code:
        raise typer.Exit(code)
