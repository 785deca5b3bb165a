"""Bankgirot's example file, and ways to damage it for the error tests."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).parent / "data" / "bankgirot-example-ocr.bgmax"
SAMPLE_SHA256 = "11e1657b50fdb7a1f3f68745a09cbc60f93014daf1a08b7dbb637c87a40fd446"


def sample_lines() -> list[bytes]:
    """The sample's lines without their CRLF."""
    return SAMPLE.read_bytes().split(b"\r\n")


def joined(lines: list[bytes]) -> bytes:
    return b"\r\n".join(lines)


def with_field(number: int, first: int, text: str) -> bytes:
    """The sample with ``text`` written over line ``number`` from position ``first`` (1-based)."""
    lines = sample_lines()
    line = lines[number - 1].ljust(80)
    value = text.encode("iso-8859-1")
    lines[number - 1] = line[: first - 1] + value + line[first - 1 + len(value) :]
    return joined(lines)


def without_line(number: int) -> bytes:
    lines = sample_lines()
    del lines[number - 1]
    return joined(lines)


def with_inserted(number: int, text: str) -> bytes:
    """The sample with a line ``text`` inserted so that it becomes line ``number``."""
    lines = sample_lines()
    lines.insert(number - 1, text.encode("iso-8859-1"))
    return joined(lines)
