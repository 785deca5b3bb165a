"""The one error a BgMax file can raise: what is wrong, and on which line and field."""

from __future__ import annotations

__all__ = ["BgMaxError"]


class BgMaxError(Exception):
    """A BgMax file is malformed or inconsistent.

    ``line`` is the 1-based line number, ``field`` names the field (``"amount"``,
    ``"record type"``, ``"line length"`` …; cross-record checks are prefixed with the record
    holding the claimed value: ``"deposit record.amount"``, ``"end record.count_20"``) and
    ``reason`` says what was wrong with it::

        line 14, field amount: '00000000001000x0' is not a number
    """

    def __init__(self, line: int, field: str, reason: str) -> None:
        super().__init__(line, field, reason)
        self.line = line
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.reason}"
