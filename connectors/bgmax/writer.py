"""Writing a :class:`~connectors.bgmax.model.BgMaxFile` as a BgMax file.

What :func:`write_bgmax` writes, :func:`~connectors.bgmax.parser.parse_bgmax` reads back
to an equal model, provided its texts have no surrounding blanks (the parser strips them,
so every model it produces qualifies). Deposit amounts and record counts are computed,
never taken from the caller. A model the format cannot hold (a text too long or outside
ISO-8859-1, a serial number of the wrong width, a deposit whose deductions exceed its
payments, …) raises ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from connectors.bgmax.lines import ENCODING, LINE_WIDTH
from connectors.bgmax.model import BgMaxFile, Deposit, ExtraReference, Payment, ReferenceCode
from connectors.bgmax.records import LAYOUT_NAME
from connectors.bgmax.synthetic import synthetic_file

__all__ = ["synthetic_file", "write_bgmax"]

_FORBIDDEN = frozenset("\r\n\t")


def _number(value: int, width: int, what: str) -> str:
    text = str(value)
    if value < 0 or len(text) > width:
        raise ValueError(f"{what} {value} does not fit {width} digits (and cannot be negative)")
    return text.zfill(width)


def _digits(value: str, width: int, what: str) -> str:
    if len(value) != width or not (value.isascii() and value.isdigit()):
        raise ValueError(f"{what} {value!r} is not {width} digits")
    return value


def _account(value: str | None, width: int, what: str) -> str:
    if value is None:
        return "0" * width
    if len(value) > width or not (value.isascii() and value.isdigit()):
        raise ValueError(f"{what} {value!r} is not a number of at most {width} digits")
    return value.zfill(width)


def _text(value: str, width: int, what: str, *, right: bool = False) -> str:
    if len(value) > width:
        raise ValueError(f"{what} {value!r} is longer than {width} characters")
    if _FORBIDDEN.intersection(value):
        raise ValueError(f"{what} {value!r} holds a line break or TAB")
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError:
        raise ValueError(f"{what} {value!r} is not ISO-8859-1 text") from None
    return value.rjust(width) if right else value.ljust(width)


def _date(value: dt.date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _transaction(record_type: int, item: Payment | ExtraReference) -> str:
    return "".join(
        (
            str(record_type),
            _account(item.sender_bankgiro, 10, "sender bankgiro"),
            _text(item.reference, 25, "reference", right=item.reference_code == ReferenceCode.OCR),
            _number(item.amount, 18, "amount"),
            str(int(item.reference_code)),
            str(int(item.channel)),
            _digits(item.serial_number, 12, "serial number"),
            "1" if item.has_image else "0",
        )
    )


def _payment_lines(payment: Payment) -> Iterator[str]:
    line = _transaction(payment.record_type, payment)
    if payment.record_type == 21:
        if payment.deduction_code is None:
            raise ValueError("a deduction (21) needs a deduction code")
        line += str(int(payment.deduction_code))
    yield line
    for extra in payment.extra_references:
        yield _transaction(extra.record_type, extra)
    for text in payment.information:
        yield "25" + _text(text, 50, "information")
    payer = payment.payer
    if payer.name or payer.extra_name:
        yield "26" + _text(payer.name, 35, "name") + _text(payer.extra_name, 35, "extra name")
    if payer.address or payer.postal_code:
        yield (
            "27" + _text(payer.address, 35, "address") + _text(payer.postal_code, 9, "postal code")
        )
    if payer.city or payer.country or payer.country_code:
        yield "".join(
            (
                "28",
                _text(payer.city, 35, "city"),
                _text(payer.country, 35, "country"),
                _text(payer.country_code, 2, "country code"),
            )
        )
    if payer.identity_number is not None:
        yield "29" + _digits(payer.identity_number, 12, "identity number")


def _deposit_lines(deposit: Deposit) -> Iterator[str]:
    if not deposit.payments:
        raise ValueError("a deposit needs at least one payment or deduction")
    if deposit.recipient_bankgiro.lstrip("0") == "":
        raise ValueError("a deposit needs a recipient bankgiro number")
    plusgiro = " " * 10
    if deposit.recipient_plusgiro is not None:
        plusgiro = _account(deposit.recipient_plusgiro, 10, "recipient plusgiro")
    currency = _text(deposit.currency, 3, "currency")
    yield (
        "05" + _account(deposit.recipient_bankgiro, 10, "recipient bankgiro") + plusgiro + currency
    )
    for payment in deposit.payments:
        yield from _payment_lines(payment)
    yield "".join(
        (
            "15",
            _account(deposit.account, 35, "account"),
            _date(deposit.payment_date),
            _digits(deposit.serial_number, 5, "deposit serial number"),
            _number(deposit.amount, 18, "deposit amount"),
            currency,
            _number(len(deposit.payments), 8, "count"),
            _text(deposit.deposit_type, 1, "deposit type"),
        )
    )


def _lines(bgmax: BgMaxFile) -> Iterator[str]:
    header = bgmax.header
    stamp = header.timestamp
    yield "".join(
        (
            "01",
            LAYOUT_NAME.ljust(20),
            _number(header.version, 2, "version"),
            _date(stamp),
            f"{stamp.hour:02d}{stamp.minute:02d}{stamp.second:02d}{stamp.microsecond:06d}",
            "T" if header.test else "P",
        )
    )
    if not bgmax.deposits:
        raise ValueError("a BgMax file needs at least one deposit")
    counts = [0, 0, 0, len(bgmax.deposits)]
    for deposit in bgmax.deposits:
        for payment in deposit.payments:
            counts[payment.record_type - 20] += 1
            counts[2] += len(payment.extra_references)
        yield from _deposit_lines(deposit)
    yield "70" + "".join(_number(count, 8, "end record count") for count in counts)


def write_bgmax(
    bgmax: BgMaxFile, *, line_ending: str = "\r\n", trim_trailing_blanks: bool = False
) -> bytes:
    """The BgMax file for ``bgmax``: ISO-8859-1, 80-character lines ending in ``line_ending``.

    ``trim_trailing_blanks`` writes lines the way some producers do (readers pad them back).
    """
    if trim_trailing_blanks:
        lines = [line.rstrip(" ") for line in _lines(bgmax)]
    else:
        lines = [line.ljust(LINE_WIDTH) for line in _lines(bgmax)]
    return (line_ending.join(lines) + line_ending).encode(ENCODING)
