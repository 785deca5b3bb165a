"""Fields of the BgMax records, sliced from an 80-character line and checked.

Positions in the comments are Bankgirot's: 1-based and inclusive. Each function takes the
line and its number, and raises :class:`BgMaxError` naming the field that is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, TypeVar

from connectors.bgmax.errors import BgMaxError
from connectors.bgmax.model import Channel, DeductionCode, FileHeader, ReferenceCode

__all__ = [
    "Closing",
    "EndCounts",
    "Opening",
    "Transaction",
    "address",
    "city",
    "closing",
    "deduction_code",
    "end_counts",
    "identity_number",
    "information",
    "name",
    "opening",
    "start",
    "transaction",
]

LAYOUT_NAME = "BGMAX"
_REFERENCE_CODES = {str(code.value): code for code in ReferenceCode}
_CHANNELS = {str(channel.value): channel for channel in Channel}
_DEDUCTION_CODES = {str(code.value): code for code in DeductionCode}
_IMAGE_MARKERS = {"0": False, "1": True}
_TEST_MARKERS = {"T": True, "P": False}

T = TypeVar("T")
# year, month, day, hour, minute, second, microsecond within YYYYMMDDHHMMSSffffff
_TIMESTAMP_PARTS = ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14), (14, 20))


class Opening(NamedTuple):
    """An opening record (05)."""

    recipient_bankgiro: str
    recipient_plusgiro: str | None
    currency: str


class Transaction(NamedTuple):
    """The fields 20, 21, 22 and 23 records share."""

    sender_bankgiro: str | None
    reference: str
    amount: int
    reference_code: ReferenceCode
    channel: Channel
    serial_number: str
    has_image: bool


class Closing(NamedTuple):
    """A deposit record (15)."""

    account: str | None
    payment_date: dt.date
    serial_number: str
    amount: int
    currency: str
    record_count: int
    deposit_type: str


class EndCounts(NamedTuple):
    """An end record (70): how many records of each kind the file holds."""

    payments: int  # 20
    deductions: int  # 21
    extra_references: int  # 22 and 23
    deposits: int  # 15


def _digits(line: str, number: int, field: str, first: int, last: int) -> str:
    value = line[first - 1 : last]
    if not (value.isdigit() and value.isascii()):
        raise BgMaxError(number, field, f"{value!r} is not a number")
    return value


def _int(line: str, number: int, field: str, first: int, last: int) -> int:
    return int(_digits(line, number, field, first, last))


def _account(line: str, number: int, field: str, first: int, last: int) -> str | None:
    return _digits(line, number, field, first, last).lstrip("0") or None


def _text(line: str, first: int, last: int) -> str:
    return line[first - 1 : last].strip(" ")


def _code(line: str, number: int, field: str, position: int, codes: dict[str, T]) -> T:
    value = line[position - 1]
    try:
        return codes[value]
    except KeyError:
        known = ", ".join(codes)
        raise BgMaxError(number, field, f"{value!r} is not one of {known}") from None


def _date(line: str, number: int, field: str, first: int, last: int) -> dt.date:
    value = _digits(line, number, field, first, last)
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise BgMaxError(number, field, f"{value!r} is not a date (YYYYMMDD)") from None


def start(line: str, number: int) -> FileHeader:
    """A start record (01)."""
    layout = line[2:22]
    if layout.rstrip(" ") != LAYOUT_NAME:
        raise BgMaxError(number, "layout name", f"{layout!r} is not {LAYOUT_NAME!r}")
    version = _int(line, number, "version", 23, 24)
    stamp = _digits(line, number, "timestamp", 25, 44)
    try:
        year, month, day, hour, minute, second, micro = (
            int(stamp[first:last]) for first, last in _TIMESTAMP_PARTS
        )
        timestamp = dt.datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        raise BgMaxError(
            number, "timestamp", f"{stamp!r} is not a time (YYYYMMDDHHMMSS and microseconds)"
        ) from None
    test = _code(line, number, "test marker", 45, _TEST_MARKERS)
    return FileHeader(timestamp=timestamp, test=test, version=version)


def opening(line: str, number: int) -> Opening:
    """An opening record (05)."""
    bankgiro = _account(line, number, "recipient bankgiro", 3, 12)
    if bankgiro is None:
        raise BgMaxError(number, "recipient bankgiro", f"{line[2:12]!r} is not a bankgiro number")
    plusgiro = None
    if line[12:22].strip(" "):
        plusgiro = _account(line, number, "recipient plusgiro", 13, 22)
    return Opening(bankgiro, plusgiro, _text(line, 23, 25))


def transaction(line: str, number: int) -> Transaction:
    """The common fields of a 20, 21, 22 or 23 record."""
    return Transaction(
        sender_bankgiro=_account(line, number, "sender bankgiro", 3, 12),
        reference=_text(line, 13, 37),
        amount=_int(line, number, "amount", 38, 55),
        reference_code=_code(line, number, "reference code", 56, _REFERENCE_CODES),
        channel=_code(line, number, "channel", 57, _CHANNELS),
        serial_number=_digits(line, number, "serial number", 58, 69),
        has_image=_code(line, number, "image marker", 70, _IMAGE_MARKERS),
    )


def deduction_code(line: str, number: int) -> DeductionCode:
    """The deduction code of a 21 record."""
    return _code(line, number, "deduction code", 71, _DEDUCTION_CODES)


def information(line: str) -> str:
    """An information record (25)."""
    return _text(line, 3, 52)


def name(line: str) -> tuple[str, str]:
    """A name record (26): name, extra name."""
    return _text(line, 3, 37), _text(line, 38, 72)


def address(line: str) -> tuple[str, str]:
    """An address record (27): address, postal code."""
    return _text(line, 3, 37), _text(line, 38, 46)


def city(line: str) -> tuple[str, str, str]:
    """A city record (28): city, country, country code."""
    return _text(line, 3, 37), _text(line, 38, 72), _text(line, 73, 74)


def identity_number(line: str, number: int) -> str | None:
    """An identity record (29): the payer's 12-digit number, ``None`` when blank."""
    if not line[2:14].strip(" "):
        return None
    return _digits(line, number, "identity number", 3, 14)


def closing(line: str, number: int) -> Closing:
    """A deposit record (15)."""
    return Closing(
        account=_account(line, number, "account", 3, 37),
        payment_date=_date(line, number, "payment date", 38, 45),
        serial_number=_digits(line, number, "deposit serial number", 46, 50),
        amount=_int(line, number, "amount", 51, 68),
        currency=_text(line, 69, 71),
        record_count=_int(line, number, "count", 72, 79),
        deposit_type=_text(line, 80, 80),
    )


def end_counts(line: str, number: int) -> EndCounts:
    """An end record (70)."""
    return EndCounts(
        payments=_int(line, number, "count_20", 3, 10),
        deductions=_int(line, number, "count_21", 11, 18),
        extra_references=_int(line, number, "count_22_23", 19, 26),
        deposits=_int(line, number, "count_15", 27, 34),
    )
