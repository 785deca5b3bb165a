"""``hub kafka``: the local development broker (up, status, down, fetch)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import typer
from pydantic import SecretStr
from rich.console import Console

from hub.connection import KafkaConnection
from hub.localkafka import BrokerConfig, LocalBroker, LocalKafkaError, ScramUser
from hub.localkafka.paths import default_cache, default_home, default_pom
from hub.localkafka.toolchain import ensure_jars

app = typer.Typer(help="Run a local single-node Kafka broker (KRaft) for development.")
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

HomeOpt = typer.Option(
    None, "--home", help="Broker folder [default: $HUB_HOME/kafka or .hub/kafka]"
)
DEFAULT_USER = "hub=hub-local"  # loopback-only development credentials
PomOpt = typer.Option(None, "--pom", help="Maven file naming the broker jars.")


def _paths(home: Path | None, pom: Path | None) -> tuple[Path, Path, Path]:
    cwd = Path.cwd()
    return (
        home or default_home(os.environ, cwd),
        default_cache(os.environ, cwd),
        pom or default_pom(cwd),
    )


def _refuse_when_external() -> None:
    external = KafkaConnection.from_env(os.environ)
    if external is not None:
        err.print(
            f"HUB_KAFKA_BOOTSTRAP is set ({external.bootstrap_servers}): the hub uses that "
            "cluster and does not start a broker of its own. Unset it to use the local broker."
        )
        raise typer.Exit(2)


def _parse_user(spec: str) -> ScramUser:
    name, sep, password = spec.partition("=")
    if not sep or not name or not password:
        raise typer.BadParameter(f"expected NAME=PASSWORD, got {spec!r}", param_hint="--user")
    return ScramUser(name=name, password=SecretStr(password))


@app.command()
def up(
    home: Path | None = HomeOpt,
    pom: Path | None = PomOpt,
    port: int = typer.Option(9092, help="PLAINTEXT listener port."),
    controller_port: int | None = typer.Option(None, help="KRaft controller port [port+1]."),
    sasl_port: int | None = typer.Option(None, help="Add a SASL_PLAINTEXT SCRAM listener."),
    tls_port: int | None = typer.Option(None, help="Add a SASL_SSL (SCRAM over TLS) listener."),
    user: list[str] = typer.Option(  # noqa: B008
        [], "--user", help="SCRAM-SHA-512 user NAME=PASSWORD (repeatable) [hub=hub-local]."
    ),
    timeout: float = typer.Option(90.0, help="Seconds to wait for the broker to answer."),
) -> None:
    """Start the broker (a no-op when it already runs) and print its bootstrap address."""
    _refuse_when_external()
    home, cache, pom = _paths(home, pom)
    users = tuple(_parse_user(u) for u in user)
    if (sasl_port or tls_port) and not users:
        users = (_parse_user(DEFAULT_USER),)
    cfg = BrokerConfig(
        home=home,
        port=port,
        controller_port=controller_port or port + 1,
        sasl_port=sasl_port,
        tls_port=tls_port,
        users=users,
    )
    try:
        status = LocalBroker(cfg, cache=cache, pom=pom).up(timeout=timeout)
    except LocalKafkaError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"Kafka is up: {status.detail}, logs in {cfg.log_file}")
    if status.sasl_bootstrap:
        console.print(f"SASL_PLAINTEXT (SCRAM-SHA-512): {status.sasl_bootstrap}")
    if status.tls_bootstrap:
        console.print(f"SASL_SSL (SCRAM-SHA-512, CA {cfg.ca_pem}): {status.tls_bootstrap}")
    typer.echo(status.bootstrap)


@app.command()
def status(home: Path | None = HomeOpt) -> None:
    """Say whether the local broker runs and answers; exit 1 when it does not."""
    home, cache, pom = _paths(home, None)
    st = LocalBroker(BrokerConfig(home=home), cache=cache, pom=pom).status()
    if st.running:
        console.print(f"up: {st.bootstrap} (pid {st.pid})")
        return
    console.print(f"down: {st.detail}")
    if st.log_file is not None:
        console.print(f"log: {st.log_file}")
    raise typer.Exit(1)


@app.command()
def down(
    home: Path | None = HomeOpt,
    purge: bool = typer.Option(False, help="Also delete the broker's data and logs."),
) -> None:
    """Stop the local broker cleanly."""
    home, cache, pom = _paths(home, None)
    stopped = LocalBroker(BrokerConfig(home=home), cache=cache, pom=pom).down()
    console.print("Kafka stopped." if stopped else "Kafka was not running.")
    if purge and home.exists():
        shutil.rmtree(home)
        console.print(f"Removed {home}.")


@app.command()
def fetch(pom: Path | None = PomOpt) -> None:
    """Fetch the broker's jars from Maven Central into the cache (once) and print the folder."""
    _, cache, pom = _paths(None, pom)
    try:
        typer.echo(ensure_jars(cache, pom))
    except LocalKafkaError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
