"""Results as a terminal table and as named sections of docs/benchmarks.md."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

DOC_TITLE = "# Benchmarks\n"
WIDE = 160


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the section ``name`` set to ``body``; appended when it is not there yet."""
    start, end = markers(name)
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    prefix = text.rstrip() + "\n\n" if text.strip() else DOC_TITLE + "\n"
    return prefix + block + "\n"


def reflow(markdown: str, width: int = 92) -> str:
    """Wrap prose paragraphs and bullet items; tables, headings and code stay as they are."""
    blocks = []
    for block in markdown.strip().split("\n\n"):
        if block.startswith(("|", "```", "#", "<!--")):
            blocks.append(block)
            continue
        items = re.split(r"\n(?=- )", block)
        blocks.append(
            "\n".join(
                textwrap.fill(
                    " ".join(item.split()),
                    width,
                    subsequent_indent="  " if item.startswith("- ") else "",
                    break_on_hyphens=False,
                )
                for item in items
            )
        )
    return "\n\n".join(blocks)


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or add) one section of ``path``; everything outside it stays as it was."""
    text = path.read_text() if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(text, name, body))


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """A Markdown table; ``align`` holds one ``l`` or ``r`` per column."""
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def print_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str
) -> None:
    table = Table(title=title, title_justify="left")
    for header, a in zip(headers, align, strict=True):
        table.add_column(header, justify="right" if a == "r" else "left")
    for row in rows:
        table.add_row(*row)
    console = Console(highlight=False)
    if not console.is_terminal and console.width < WIDE:
        console = Console(highlight=False, width=WIDE)  # logs and pipes get the whole table
    console.print(table)
