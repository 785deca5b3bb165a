"""``hub dlq``: show a route's dead letters, and replay them once the target is fixed."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from hub.cli.common import CatalogOpt, ConfigArg, connection, console, fail, load, load_catalog
from hub.events import Decoder, Encoder
from hub.routing.dlq import read_dead_letters, replay, select
from hub.routing.pipeline import Pipeline
from hub.routing.types import KafkaSink, Sink, SinkContext
from hub.runtime.retry import RetryPolicy
from hub.runtime.topics import deadletter_topic

app = typer.Typer(help="Dead letters of routes and connectors: list and replay.")
RouteArg = typer.Argument(..., metavar="ROUTE", help="Route (or connector) name.")


@app.command("list")
def list_(
    file: Path = ConfigArg,
    route: str = RouteArg,
    catalog: Path | None = CatalogOpt,
    limit: int = typer.Option(50, help="Show at most this many, newest last."),
) -> None:
    """The dead letters of a route or connector, readably."""
    loaded = load(file, load_catalog(catalog), only=[route])
    topic = deadletter_topic(loaded.hub.kafka.topic_prefix, route)
    letters = read_dead_letters(connection(loaded), topic)
    table = Table(
        "offset", "event id", "type / key", "error", "attempts", "last failure", "replayed"
    )
    for letter in letters[-limit:]:
        info = letter.info
        what = letter.event_type or info.get("source_key") or ""
        if letter.subject:
            what += f" {letter.subject}"
        error = f"{info.get('error_class', '')}: {info.get('error') or info.get('reason', '')}"
        table.add_row(
            str(letter.offset),
            letter.event_id or "",
            escape(what.strip()),
            escape(error[:200]),
            info.get("attempts", ""),
            info.get("last_failure") or info.get("time", ""),
            "yes" if letter.replayed else "",
        )
    console.print(table)
    console.print(f"{len(letters)} dead letter(s) in {topic}")


@app.command("replay")
def replay_(
    file: Path = ConfigArg,
    route: str = RouteArg,
    event_id: list[str] = typer.Option(  # noqa: B008
        [], "--event-id", help="Replay only this event (repeatable) [default: all not replayed]."
    ),
    catalog: Path | None = CatalogOpt,
) -> None:
    """Send dead letters through the route again (idempotent: targets dedupe by event id)."""
    cat = load_catalog(catalog)
    loaded = load(file, cat, only=[route])
    try:
        resolved = loaded.route(route)
    except KeyError as exc:
        raise fail(exc.args[0]) from exc
    conn = connection(loaded)
    prefix = loaded.hub.kafka.topic_prefix
    topic = deadletter_topic(prefix, route)
    letters = select(read_dead_letters(conn, topic), event_id)
    if not letters:
        console.print("nothing to replay")
        return
    sink = resolved.sink_type.build(resolved.sink_config)
    if not isinstance(sink, Sink | KafkaSink):
        raise fail(f"route {route}: its sink type does not build a sink")
    retry = resolved.spec.retry
    results = replay(
        letters,
        pipeline=resolved.pipeline or Pipeline.compile(resolved.spec, cat),
        sink=sink,
        context=SinkContext(route, catalog=cat, encoder=Encoder(cat, topic_prefix=prefix)),
        decoder=Decoder(cat),
        conn=conn,
        dlq_topic=topic,
        policy=RetryPolicy(initial=retry.initial, max=retry.max, jitter=retry.jitter),
        max_attempts=retry.max_attempts,
    )
    for result in results:
        mark = "[green]delivered[/green]" if result.delivered else "[red]failed[/red]"
        console.print(f"{mark} {result.event_id}: {escape(result.detail)}")
    failed = sum(not r.delivered for r in results)
    console.print(f"{len(results) - failed} replayed, {failed} failed")
    if failed:
        raise typer.Exit(1)
