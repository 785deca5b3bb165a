"""Swedish payment and identity numbers: bankgiro, plusgiro, personal identity numbers
(personnummer), coordination numbers (samordningsnummer) and organisation numbers.

All carry a Luhn check digit (see :mod:`connectors.bgmax.luhn`). The validators accept the
usual written forms (``991-2346``, ``811218-9876``, ``19811218-9876``, ``198112189876``)
and answer ``False`` for anything else, never raise.
"""

from __future__ import annotations

import datetime as dt

from connectors.bgmax.luhn import has_valid_luhn

__all__ = [
    "format_bankgiro",
    "is_valid_bankgiro",
    "is_valid_coordination_number",
    "is_valid_organisation_number",
    "is_valid_personal_identity_number",
    "is_valid_plusgiro",
]

COORDINATION_DAY_OFFSET = 60


def _digits(number: str, *, separator_at: int | None = None, separators: str = "-") -> str:
    """``number`` without one optional separator at index ``separator_at`` from the right."""
    if separator_at is not None and len(number) > separator_at:
        index = len(number) - separator_at - 1
        if number[index] in separators:
            number = number[:index] + number[index + 1 :]
    return number if number.isascii() and number.isdigit() else ""


def is_valid_bankgiro(number: str) -> bool:
    """A bankgiro number: 7 or 8 digits with a Luhn check digit (``991-2346``)."""
    digits = number.replace("-", "", 1)
    return len(digits) in (7, 8) and has_valid_luhn(digits)


def format_bankgiro(number: str) -> str:
    """The written form of a bankgiro number: ``9912346`` -> ``991-2346``."""
    digits = number.lstrip("0") or "0"
    if len(digits) <= 4:
        return digits
    return f"{digits[:-4]}-{digits[-4:]}"


def is_valid_plusgiro(number: str) -> bool:
    """A plusgiro number: 2 to 8 digits with a Luhn check digit (``4 10 54-1``)."""
    digits = number.replace(" ", "").replace("-", "", 1)
    return 2 <= len(digits) <= 8 and has_valid_luhn(digits)


def _birth_date(digits: str, day_offset: int) -> bool:
    """Whether ``digits`` (10 or 12, without separator) starts with a possible birth date."""
    month, day = int(digits[-8:-6]), int(digits[-6:-4]) - day_offset
    if len(digits) == 12:
        years = [int(digits[:4])]
    else:
        years = [1900 + int(digits[:2]), 2000 + int(digits[:2])]
    for year in years:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _identity_digits(number: str) -> str:
    digits = _digits(number, separator_at=4, separators="-+")
    return digits if len(digits) in (10, 12) else ""


def is_valid_personal_identity_number(number: str) -> bool:
    """A personnummer: ``YYMMDD-NNNC`` (``+`` from the year of the 100th birthday) or
    ``YYYYMMDDNNNC``, with a real birth date and a Luhn check digit over ``YYMMDDNNN``."""
    digits = _identity_digits(number)
    return bool(digits) and _birth_date(digits, 0) and has_valid_luhn(digits[-10:])


def is_valid_coordination_number(number: str) -> bool:
    """A samordningsnummer: a personnummer whose day of birth has 60 added (``701063-2391``)."""
    digits = _identity_digits(number)
    return (
        bool(digits)
        and _birth_date(digits, COORDINATION_DAY_OFFSET)
        and has_valid_luhn(digits[-10:])
    )


def is_valid_organisation_number(number: str) -> bool:
    """An organisationsnummer: 10 digits (``212000-2627``), third digit at least 2, Luhn
    check digit; the 12-digit forms with a ``16`` or ``00`` prefix are accepted too."""
    digits = _digits(number, separator_at=4)
    if len(digits) == 12 and digits[:2] in ("16", "00"):
        digits = digits[2:]
    return len(digits) == 10 and digits[2] >= "2" and has_valid_luhn(digits)
