"""The live view in the terminal: events per type, deliveries per route, the departments'
own counts, dead letters and their replay, the latest stories. Without a terminal
(piped, CI) a one-line status every few seconds instead."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich import box
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from hub.demo.config import NOTIFY_ROUTE
from hub.demo.stories import STAGES, Story
from hub.demo.view import View

ROUTES = (
    "applications-to-case-system",
    "applicants-to-finance",
    "permits-to-finance",
    "payments-to-finance",
    NOTIFY_ROUTE,
)
SIDE_BY_SIDE = 120
"""Terminal width from which the events and routes tables stand side by side."""
FIXED_LINES = 24
"""About how many lines the live view takes besides the stories' rows (side by side)."""


class Show(Protocol):
    def __call__(self, view: View) -> None: ...


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _table(title: str) -> Table:
    return Table(
        title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, show_edge=False
    )


def header(view: View) -> Text:
    limit = f" / {clock(view.duration)}" if view.duration is not None else ""
    text = Text()
    text.append("Umeå kommun (2480) · municipal event hub demo", style="bold")
    text.append(f"   {clock(view.elapsed)}{limit}\n")
    text.append(f"metrics {view.metrics_url} · Kafka {view.kafka} · topics {view.prefix}.*")
    return text


def events_table(view: View) -> Table:
    table = _table("events published")
    table.add_column("event")
    table.add_column("by connector")
    table.add_column("count", justify="right")
    for (connector, event), count in sorted(view.hub.published.items(), key=lambda i: i[0][1]):
        table.add_row(event, connector, str(count))
    return table


def routes_table(view: View) -> Table:
    table = _table("deliveries by route")
    table.add_column("route")
    table.add_column("delivered", justify="right")
    table.add_column("retries", justify="right")
    table.add_column("dead letters", justify="right")
    for route in ROUTES:
        dead = view.hub.dead_letters[route]
        table.add_row(
            route,
            str(view.hub.delivered[route]),
            str(view.hub.retries[route]),
            Text(str(dead), style="yellow" if dead else ""),
        )
    return table


def hub_tables(view: View, width: int) -> RenderableType:
    """Events and deliveries side by side when the terminal is wide enough."""
    if width < SIDE_BY_SIDE:
        return Group(events_table(view), routes_table(view))
    both = Table.grid(padding=(0, 4))
    both.add_row(events_table(view), routes_table(view))
    return both


def departments(view: View) -> Table:
    cs, fi, po, ba = view.case_system, view.finance, view.portal, view.bank
    table = Table.grid(padding=(0, 2))
    portal = f"{po['submitted']} applications submitted"
    if not view.portal_open:
        portal += " · closed for new applications"
    table.add_row("e-services portal", portal)
    table.add_row(
        "case system",
        f"{cs['cases opened']} cases opened · {cs['permits granted']} permits granted",
    )
    table.add_row(
        "finance",
        f"{fi['invoices issued']} invoices · {fi['invoices paid']} paid, matched by OCR "
        f"reference · {fi['unmatched payments']} payments unmatched",
    )
    table.add_row("bank", f"{ba['files']} BgMax files · {ba['payments']} payments")
    table.add_row("notifications", notification_status(view))
    return table


def notification_status(view: View) -> Text:
    no = view.notifications
    sent = sum(n for k, n in no.items() if k not in ("refused", "duplicates"))
    if view.notifications_down:
        return Text(f"DOWN for maintenance (503) · refused {no['refused']} calls", style="red")
    back = view.notifications_back_at or 0.0
    return Text(f"up since {clock(back)} · {sent} notifications sent · {no['refused']} refused")


def dead_letter_line(view: View) -> Text:
    dead = view.hub.dead_letters[NOTIFY_ROUTE]
    replayed = len(view.replayed)
    text = Text(f"dead letters of {NOTIFY_ROUTE}: {dead}")
    if replayed:
        text.append(f" · replayed and delivered: {replayed}", style="green")
    elif dead:
        text.append(" · to be replayed once the notification service is back", style="yellow")
    return text


def stories_table(view: View, last: int) -> Table:
    complete = len(view.complete)
    table = _table(f"stories: {complete} of {len(view.stories)} complete")
    table.add_column("application")
    table.add_column("case")
    table.add_column("progress")
    table.add_column("latest step")
    table.add_column("took", justify="right")
    for story in view.stories[-last:]:
        table.add_row(*story_row(story))
    return table


def story_row(story: Story) -> list[str | Text]:
    progress = Text()
    for stage in STAGES:
        if stage in story.times:
            progress.append("●", style="green")
        else:
            progress.append("○", style="dim")
    reached = [stage for stage in STAGES if stage in story.times]
    took = f"{story.seconds:.1f} s" if story.seconds is not None else ""
    return [story.application_id, story.case_number or "", progress, reached[-1], took]


def footer(view: View, warnings: int) -> RenderableType:
    text = Text()
    if view.failed:
        text.append(f"stopped with an error: {', '.join(view.failed)}\n", style="bold red")
    text.append(f"errors: {view.errors}", style="red" if view.errors else "")
    shown = view.warnings[-warnings:] if warnings else []
    if shown:
        text.append(" · recent warnings (all in the log):")
    lines = [Text(f"  {line}", style="dim", no_wrap=True, overflow="ellipsis") for line in shown]
    return Group(text, *lines, Text("Ctrl-C stops the demo", style="dim"))


def render(view: View, width: int, height: int) -> RenderableType:
    """The whole view, fitted to a terminal of ``width`` x ``height``."""
    spare = height - FIXED_LINES - (0 if width >= SIDE_BY_SIDE else 8)
    return Group(
        header(view),
        hub_tables(view, width),
        departments(view),
        dead_letter_line(view),
        stories_table(view, last=max(2, min(8, spare))),
        footer(view, warnings=2 if spare > 2 else 0),
    )


def status_line(view: View) -> str:
    return (
        f"[{clock(view.elapsed)}] events {view.hub.events} · deliveries "
        f"{sum(view.hub.delivered.values())} · retries {sum(view.hub.retries.values())} · "
        f"dead letters {view.dead_letters} (replayed {len(view.replayed)}) · stories "
        f"{len(view.complete)}/{len(view.stories)} complete · notifications "
        f"{'down' if view.notifications_down else 'up'} · errors {view.errors}"
    )


@contextmanager
def live(console: Console, every: float = 5.0) -> Iterator[Show]:
    """A function to call with each new view: redraws the live view on a terminal,
    prints a status line every ``every`` seconds otherwise."""
    if console.is_terminal:
        with Live(console=console, auto_refresh=False) as display:

            def redraw(view: View) -> None:
                size = console.size
                display.update(render(view, size.width, size.height), refresh=True)

            yield redraw
        return
    printed = [-every]

    def line(view: View) -> None:
        if view.elapsed - printed[0] >= every:
            printed[0] = view.elapsed
            console.print(status_line(view))

    yield line
