"""Check digits: Luhn, OCR references with a length digit, Swedish numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.bgmax.identifiers import (
    format_bankgiro,
    is_valid_bankgiro,
    is_valid_coordination_number,
    is_valid_organisation_number,
    is_valid_personal_identity_number,
    is_valid_plusgiro,
)
from connectors.bgmax.luhn import (
    has_valid_luhn,
    is_valid_ocr_reference,
    luhn_check_digit,
    ocr_reference,
)


def test_luhn_vectors_from_the_domain_notes() -> None:
    assert luhn_check_digit("811218987") == 6
    assert luhn_check_digit("701063239") == 1
    assert luhn_check_digit("212000262") == 7
    assert has_valid_luhn("8112189876")
    assert not has_valid_luhn("8112189875")


def test_ocr_reference_with_length_digit() -> None:
    assert ocr_reference("12345") == "1234574"
    assert ocr_reference("12345", length_digit=False) == "123455"
    assert is_valid_ocr_reference("1234574")
    assert has_valid_luhn("1234566")
    assert not is_valid_ocr_reference("1234566")  # the length digit of 7 digits is 7
    assert not is_valid_ocr_reference("1234575")
    assert is_valid_ocr_reference("123455", length_digit=False)
    assert not is_valid_ocr_reference("123455")


def test_ocr_reference_bounds() -> None:
    with pytest.raises(ValueError, match="2-25 digits"):
        ocr_reference("1" * 24)
    with pytest.raises(ValueError, match="digits"):
        ocr_reference("12a45")
    assert not is_valid_ocr_reference("0")
    assert not is_valid_ocr_reference("")


@given(st.text(alphabet="0123456789", min_size=1, max_size=23), st.booleans())
def test_every_ocr_reference_made_is_valid(base: str, length_digit: bool) -> None:
    reference = ocr_reference(base, length_digit=length_digit)
    assert reference.startswith(base)
    assert is_valid_ocr_reference(reference, length_digit=length_digit)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30), st.integers(1, 9))
def test_a_changed_digit_breaks_the_check(base: str, delta: int) -> None:
    number = base + str(luhn_check_digit(base))
    changed = number[:-1] + str((int(number[-1]) + delta) % 10)
    assert has_valid_luhn(number)
    assert not has_valid_luhn(changed)


@pytest.mark.parametrize(
    "number", ["811218-9876", "8112189876", "19811218-9876", "198112189876", "811218+9876"]
)
def test_personal_identity_number(number: str) -> None:
    assert is_valid_personal_identity_number(number)
    assert not is_valid_coordination_number(number)


@pytest.mark.parametrize("number", ["811218-9875", "811318-9876", "81121-89876", "811218_9876"])
def test_not_a_personal_identity_number(number: str) -> None:
    assert not is_valid_personal_identity_number(number)


def test_coordination_number() -> None:
    assert is_valid_coordination_number("701063-2391")
    assert not is_valid_personal_identity_number("701063-2391")
    assert not is_valid_coordination_number("701063-2392")


def test_organisation_number_of_umea_kommun() -> None:
    assert is_valid_organisation_number("212000-2627")
    assert is_valid_organisation_number("2120002627")
    assert is_valid_organisation_number("162120002627")
    assert not is_valid_organisation_number("212000-2628")
    assert not is_valid_organisation_number("8112189876")  # a date: third digit below 2


def test_bankgiro_and_plusgiro() -> None:
    assert is_valid_bankgiro("991-2346")
    assert is_valid_bankgiro("9912346")
    assert not is_valid_bankgiro("123-4567")
    assert format_bankgiro("9912346") == "991-2346"
    assert format_bankgiro("0009912346") == "991-2346"
    assert format_bankgiro("56781234") == "5678-1234"
    plusgiro = "12345" + str(luhn_check_digit("12345"))
    assert is_valid_plusgiro(plusgiro)
    assert is_valid_plusgiro(plusgiro[:-1] + "-" + plusgiro[-1])
    assert not is_valid_plusgiro("1")
    assert not is_valid_plusgiro("9" * 8 + "1")
