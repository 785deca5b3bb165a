"""Luhn (mod 10) check digits and OCR references with a length digit.

Luhn weights the digits 2, 1, 2, … starting from the right-most digit before the check
digit, adds the digits of the products and picks the check digit that brings the sum to a
multiple of ten. Bankgirot's OCR references may also carry a length digit (the total
length mod 10, counting the length and check digits) just before the check digit.
"""

from __future__ import annotations

__all__ = [
    "has_valid_luhn",
    "is_valid_ocr_reference",
    "luhn_check_digit",
    "ocr_reference",
]

# digit sum of 2*d for d in 0..9
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)

OCR_MIN_LENGTH = 2
OCR_MAX_LENGTH = 25


def _require_digits(digits: str) -> None:
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{digits!r} is not a string of digits")


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit to append to ``digits`` (``"811218987"`` -> ``6``)."""
    _require_digits(digits)
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if position % 2 == 0 else digit
    return (10 - total % 10) % 10


def has_valid_luhn(number: str) -> bool:
    """Whether the last digit of ``number`` is the Luhn check digit of the ones before it."""
    if len(number) < 2 or not (number.isascii() and number.isdigit()):
        return False
    return luhn_check_digit(number[:-1]) == ord(number[-1]) - 48


def ocr_reference(base: str, *, length_digit: bool = True) -> str:
    """An OCR reference for ``base``: length digit (optional) and Luhn check digit appended.

    ``ocr_reference("12345") == "1234574"``; ``ocr_reference("12345", length_digit=False)
    == "123455"``.
    """
    _require_digits(base)
    body = base
    if length_digit:
        body += str((len(base) + 2) % 10)
    reference = body + str(luhn_check_digit(body))
    if not OCR_MIN_LENGTH <= len(reference) <= OCR_MAX_LENGTH:
        raise ValueError(
            f"an OCR reference has {OCR_MIN_LENGTH}-{OCR_MAX_LENGTH} digits, "
            f"{base!r} would give {len(reference)}"
        )
    return reference


def is_valid_ocr_reference(reference: str, *, length_digit: bool = True) -> bool:
    """Whether ``reference`` passes Bankgirot's OCR control (check digit, and length digit)."""
    if not OCR_MIN_LENGTH <= len(reference) <= OCR_MAX_LENGTH or not has_valid_luhn(reference):
        return False
    if length_digit:
        return len(reference) >= 3 and reference[-2] == str(len(reference) % 10)
    return True
