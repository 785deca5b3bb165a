"""What several commands share: loading the catalog and ``hub.yaml``, printing errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Collection
from pathlib import Path

import typer
from rich.console import Console

from hub.config import ConfigError, LoadedConfig, load_config
from hub.connection import KafkaConnection
from hub.events import Catalog, EventError
from hub.localkafka.paths import project_root
from hub.sdk.registry import BrokenConnectorPackage, Registry

# Piped output (logs, CI, `| less`) gets wide tables instead of 80 columns.
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigArg = typer.Argument(..., metavar="HUB_YAML", help="The hub.yaml to use.")
CatalogOpt = typer.Option(None, "--catalog", help="Schema catalog folder [default: schemas/].")


def fail(message: object, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", markup=True)
    return typer.Exit(code)


def load_catalog(path: Path | None) -> Catalog:
    try:
        return Catalog.load(path or project_root(Path.cwd()) / "schemas")
    except EventError as exc:
        raise fail(exc) from exc


def load(file: Path, catalog: Catalog, only: Collection[str] | None = None) -> LoadedConfig:
    """The configuration, every part checked; with ``only``, those parts alone."""
    try:
        return load_config(file, Registry.discover(), os.environ, catalog, only=only)
    except (ConfigError, BrokenConnectorPackage) as exc:
        raise fail(exc) from exc


def connection(loaded: LoadedConfig) -> KafkaConnection:
    return loaded.hub.kafka.connection(KafkaConnection.from_env(os.environ))
