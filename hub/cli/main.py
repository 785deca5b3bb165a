"""Entry point of the ``hub`` command: one sub-command group per concern."""

from __future__ import annotations

import typer

from hub import __version__
from hub.cli import connectors, demo, dlq, kafka, routes, run, schemas

app = typer.Typer(
    name="hub",
    help="Municipal event hub: connectors publish Avro events to Kafka, routes deliver them.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(kafka.app, name="kafka")
app.add_typer(connectors.app, name="connectors")
app.add_typer(routes.app, name="routes")
app.add_typer(dlq.app, name="dlq")
app.add_typer(schemas.app, name="schemas")
app.command("validate")(run.validate)
app.command("run")(run.run)
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hub {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Municipal event hub."""


if __name__ == "__main__":
    app()
