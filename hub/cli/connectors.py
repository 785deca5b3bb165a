"""``hub connectors``: the installed connector types and their configuration reference."""

from __future__ import annotations

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hub.sdk.describe import example_config, field_docs
from hub.sdk.registry import Registry, UnknownConnectorType

app = typer.Typer(help="List connector types and describe their configuration.")
console = Console(highlight=False, soft_wrap=True)


@app.command("list")
def list_() -> None:
    """Every connector type installed (bundled and third-party)."""
    table = Table("type", "kind", "summary", box=None)
    for ctype in Registry.discover():
        table.add_row(ctype.name, ctype.kind, ctype.summary)
    console.print(table)


@app.command()
def describe(type_: str = typer.Argument(..., metavar="TYPE")) -> None:
    """The configuration reference of one connector type."""
    try:
        ctype = Registry.discover().get(type_)
    except UnknownConnectorType as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"[bold]{ctype.name}[/bold] ({ctype.kind}): {ctype.summary}")
    if ctype.config_model.__doc__:
        console.print(ctype.config_model.__doc__.strip())
    table = Table("field", "type", "required", "default", "description")
    for doc in field_docs(ctype.config_model):
        table.add_row(
            doc.path,
            escape(doc.type + (" (secret: {env: VAR} or {file: PATH})" if doc.secret else "")),
            "yes" if doc.required else "",
            escape(doc.default),
            escape(doc.description),
        )
    console.print(table)
    skeleton = {"name": "my-" + ctype.name, "type": ctype.name, "config": example_config(ctype)}
    console.print("Example:\n" + yaml.safe_dump({"connectors": [skeleton]}, sort_keys=False))
