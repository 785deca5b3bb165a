"""``hub routes``: list the configured routes, and test them offline against sample events."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from hub.cli.common import CatalogOpt, ConfigArg, console, fail, load, load_catalog

app = typer.Typer(help="List routes and test their filters and transforms offline.")


@app.command("list")
def list_(file: Path = ConfigArg, catalog: Path | None = CatalogOpt) -> None:
    """Each route: what it reads, its filter, its target, and its personal-data permission."""
    loaded = load(file, load_catalog(catalog))
    table = Table("route", "reads", "filter", "sink", "personal data")
    for route in loaded.routes:
        spec = route.spec
        reads = ", ".join(spec.input.domains)
        if spec.input.types:
            reads += ": " + ", ".join(spec.input.types)
        policy = spec.personal_data
        if policy.allow:
            personal = f"[yellow]in clear[/yellow] — {escape(policy.reason or '')}"
        else:
            personal = "masked" if policy.mode == "mask" else "pseudonymised"
        table.add_row(
            spec.name, escape(reads), escape(spec.filter or "(all)"), spec.sink.type, personal
        )
    console.print(table)


CasesArg = typer.Argument(..., metavar="CASES_DIR", help="Folder of *.yaml test cases.")


@app.command("test")
def check_cases(
    file: Path = ConfigArg,
    cases: Path = CasesArg,
    catalog: Path | None = CatalogOpt,
) -> None:
    """Run each case's event through its route's filter, masking and transform; compare."""
    from hub.routing.cases import CaseResult, load_cases, run_case

    cat = load_catalog(catalog)
    loaded = load(file, cat)
    try:
        found = load_cases(cases)
    except ValueError as exc:
        raise fail(exc) from exc
    results: list[CaseResult] = [run_case(case, loaded, cat) for case in found]
    for result in results:
        mark = "[green]PASS[/green]" if result.passed else "[red]FAIL[/red]"
        console.print(f"{mark} {escape(result.case.name)}")
        for line in result.problems:
            console.print(f"      {escape(line)}")
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")
    if failed or not results:
        raise typer.Exit(1)
