"""The end of a run: what happened, in one table per concern, and whether the story
completed (one application all the way to the resident's notification, and a dead
letter replayed)."""

from __future__ import annotations

import statistics

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hub.demo.config import NOTIFY_ROUTE
from hub.demo.progress import clock, departments, hub_tables
from hub.demo.stories import STAGES, Story
from hub.demo.view import View


def verdict(view: View) -> list[str]:
    """Why the run falls short of the story; empty when it completed."""
    reasons = []
    if not view.complete:
        furthest = max(view.stories, key=lambda s: s.reached, default=None)
        where = "no application was submitted"
        if furthest is not None:
            where = f"the furthest, {furthest.application_id}, got to: {_last_stage(furthest)}"
        reasons.append(f"no story went from application to notification ({where})")
    if not view.replayed:
        if not view.hub.dead_letters[NOTIFY_ROUTE]:
            reasons.append(f"no dead letter in {NOTIFY_ROUTE} to replay")
        elif view.notifications_back_at is None:
            reasons.append("the notification service never came back, so nothing was replayed")
        else:
            reasons.append(f"no dead letter of {NOTIFY_ROUTE} was replayed and delivered")
    if view.failed:
        reasons.append(f"stopped with an error: {', '.join(view.failed)} (see the log)")
    return reasons


def _last_stage(story: Story) -> str:
    reached = [stage for stage in STAGES if stage in story.times]
    return reached[-1] if reached else "nothing"


def story_table(story: Story) -> Table:
    table = Table(title=f"one story, end to end: {story.application_id}", title_justify="left")
    table.add_column("step")
    table.add_column("at", justify="right")
    table.add_column("after the application", justify="right")
    start = story.times["submitted"]
    details = {
        "case opened": story.case_number or "",
        "invoice issued": f"OCR {story.ocr_reference}" if story.ocr_reference else "",
    }
    for stage in STAGES:
        at = story.times.get(stage)
        name = f"{stage} {details.get(stage, '')}".strip()
        if at is None:
            table.add_row(name, "—", "")
        else:
            table.add_row(name, clock(at), f"+{at - start:.1f} s")
    return table


def counts_line(view: View) -> Text:
    complete = view.complete
    text = Text(f"stories: {len(view.stories)} applications, {len(complete)} complete end to end")
    if complete:
        seconds = [s.seconds for s in complete if s.seconds is not None]
        text.append(f" (fastest {min(seconds):.1f} s, median {statistics.median(seconds):.1f} s)")
    text.append(f", {len(view.stories) - len(complete)} still in progress")
    dead = view.hub.dead_letters[NOTIFY_ROUTE]
    text.append(f"\ndead letters of {NOTIFY_ROUTE}: {dead}; replayed and delivered: ")
    text.append(str(len(view.replayed)), style="green" if view.replayed else "red")
    if view.notifications_back_at is not None:
        text.append(f" (the notification service was back at {clock(view.notifications_back_at)})")
    text.append(f"\nerrors: {view.errors}", style="red" if view.errors else "")
    if view.failed:
        text.append(f"; stopped with an error: {', '.join(view.failed)}", style="red")
    return text


def summary(view: View, *, interrupted: bool, width: int) -> RenderableType:
    parts: list[RenderableType] = []
    how = "stopped with Ctrl-C" if interrupted else "ended"
    parts.append(Text(f"\nSummary: the demo {how} after {clock(view.elapsed)}", style="bold"))
    complete = view.complete
    if complete:
        parts.append(story_table(complete[0]))
    parts += [hub_tables(view, width), departments(view), counts_line(view)]
    reasons = verdict(view)
    if reasons and interrupted:
        parts.append(Text("stopped before the story completed: " + "; ".join(reasons)))
    elif reasons:
        parts.append(Text("story not completed: " + "; ".join(reasons), style="bold red"))
    else:
        parts.append(
            Text(
                "story completed: application → case → permit → invoice → payment matched "
                "→ resident notified, and the dead letters were replayed",
                style="bold green",
            )
        )
    return Group(*parts)
