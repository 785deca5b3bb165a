"""``hub demo``: the newcomer's tour of the hub on a local broker."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from hub.connection import KafkaConnection
from hub.localkafka import BrokerConfig, LocalBroker, LocalKafkaError
from hub.localkafka.paths import default_cache, default_home, default_pom
from hub.localkafka.probe import broker_answers

console = Console(highlight=False, soft_wrap=True)


def demo(
    port: int = typer.Option(9092, help="Port of the local broker."),
) -> None:
    """Start (or reuse) a Kafka broker and show what the hub will run on it."""
    external = KafkaConnection.from_env(os.environ)
    if external is not None:
        bootstrap = external.bootstrap_servers
        if not broker_answers(bootstrap, client=_security(external)):
            console.print(f"[red]error:[/red] the cluster at {bootstrap} does not answer.")
            raise typer.Exit(1)
    else:
        cwd = Path.cwd()
        cfg = BrokerConfig(home=default_home(os.environ, cwd), port=port, controller_port=port + 1)
        broker = LocalBroker(cfg, cache=default_cache(os.environ, cwd), pom=default_pom(cwd))
        try:
            status = broker.up()
        except LocalKafkaError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        bootstrap = status.bootstrap or cfg.bootstrap
    console.print(f"[green]Kafka answers at {bootstrap}.[/green]")
    console.print(
        "The simulated municipality (case registry, building permits, finance, e-services)\n"
        "runs here once the connectors and routes are in place. Stop the broker with\n"
        "`hub kafka down`."
    )


def _security(conn: KafkaConnection) -> dict[str, object]:
    cfg = conn.client_config()
    cfg.pop("bootstrap_servers")
    cfg.pop("client_id")
    return cfg
