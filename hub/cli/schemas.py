"""``hub schemas``: the Avro event catalog (check it, document it)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from hub.events import DEFAULT_TOPIC_PREFIX, Catalog, CatalogError, check_catalog
from hub.events.docs import render

app = typer.Typer(help="The Avro event catalog in schemas/: check it and document it.")
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

CatalogOpt = typer.Option(
    None, "--catalog", help="Catalog folder [default: schemas/ of the checkout]."
)

OutputOpt = typer.Option(
    None, "--output", "-o", help="Where to write [default: docs/events.md of the checkout]."
)
PrefixOpt = typer.Option(DEFAULT_TOPIC_PREFIX, help="Topic prefix to show.")
CheckOpt = typer.Option(
    False, "--check", help="Write nothing; exit 1 when the file is out of date."
)


def project_root(cwd: Path) -> Path:
    """The checkout holding ``schemas/``: the package's own, else ``cwd`` or a parent."""
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / "schemas").is_dir():
        return package_root
    for folder in (cwd, *cwd.parents):
        if (folder / "schemas").is_dir():
            return folder
    return cwd


def default_catalog(cwd: Path) -> Path:
    return project_root(cwd) / "schemas"


@app.command()
def check(catalog: Path | None = CatalogOpt) -> None:
    """Check every schema: it parses, sits where its name says, documents every field,
    and each version is compatible with the earlier ones under the event's mode."""
    root = catalog or default_catalog(Path.cwd())
    report = check_catalog(root)
    for problem in report.problems:
        err.print(f"[red]error:[/red] {problem}")
    for found in report.incompatibilities:
        err.print(f"[red]incompatible:[/red] {found}")
    if not report.ok:
        total = len(report.problems) + len(report.incompatibilities)
        err.print(f"{root}: {total} problem(s); the catalog is not usable until they are fixed")
        raise typer.Exit(1)
    console.print(
        f"{root}: {report.events} events, {len(report.schemas)} schema versions; "
        "every field documented, every version compatible"
    )


@app.command()
def docs(
    catalog: Path | None = CatalogOpt,
    output: Path | None = OutputOpt,
    topic_prefix: str = PrefixOpt,
    check_only: bool = CheckOpt,
) -> None:
    """Write the event reference (docs/events.md) from the catalog."""
    root = catalog or default_catalog(Path.cwd())
    target = output or project_root(Path.cwd()) / "docs" / "events.md"
    try:
        text = render(Catalog.load(root), topic_prefix=topic_prefix)
    except CatalogError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    current = target.read_text("utf-8") if target.exists() else None
    if check_only:
        if current != text:
            err.print(f"{target} is out of date: run `hub schemas docs`")
            raise typer.Exit(1)
        console.print(f"{target} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    console.print(f"wrote {target}")
