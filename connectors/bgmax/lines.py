"""The lines of a BgMax file: read lazily, decoded, made exactly 80 characters wide.

A line is what comes before ``\\n`` (an ``\\r`` before it is dropped too), so CRLF and LF
files read alike and a missing final line end is fine. Text is ISO-8859-1. Producers that
trim trailing blanks are allowed for: short lines are padded with blanks. A TAB stands for
blanks up to the next 8-column tab stop (the only reading under which Bankgirot's own
example file lines up). A line longer than 80 characters is an error.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TypeAlias

from connectors.bgmax.errors import BgMaxError

__all__ = ["LINE_WIDTH", "Source", "numbered_lines"]

LINE_WIDTH = 80
ENCODING = "iso-8859-1"
TAB_SIZE = 8

Source: TypeAlias = bytes | str | os.PathLike[str] | BinaryIO
"""A BgMax file: its content (``bytes``), a path (``str`` or path-like) or a binary stream."""


@contextmanager
def _open(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        yield source


def _widen(raw: bytes, number: int) -> str:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if len(raw) > LINE_WIDTH:
        raise BgMaxError(
            number, "line length", f"{len(raw)} characters, a line has at most {LINE_WIDTH}"
        )
    text = raw.decode(ENCODING)
    if "\t" in text:
        text = text.expandtabs(TAB_SIZE)
        if len(text) > LINE_WIDTH:
            raise BgMaxError(
                number,
                "line length",
                f"{len(text)} characters once its TABs are read as blanks to the next "
                f"{TAB_SIZE}-column tab stop, a line has at most {LINE_WIDTH}",
            )
    return text.ljust(LINE_WIDTH)


def numbered_lines(source: Source) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, 80-character line)`` for each line of ``source``, lazily.

    A stream passed in is read but left open; a path is opened and closed here.
    """
    with _open(source) as stream:
        for number, raw in enumerate(stream, start=1):
            yield number, _widen(raw, number)
