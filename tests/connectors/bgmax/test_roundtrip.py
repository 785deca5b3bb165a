"""What the writer writes, the parser reads back; synthetic files are realistic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings

from connectors.bgmax import (
    BgMaxFile,
    DeductionCode,
    Payer,
    Payment,
    ReferenceCode,
    iter_payments,
    parse_bgmax,
    synthetic_file,
    write_bgmax,
)
from connectors.bgmax.identifiers import (
    is_valid_bankgiro,
    is_valid_coordination_number,
    is_valid_organisation_number,
    is_valid_personal_identity_number,
)
from connectors.bgmax.luhn import is_valid_ocr_reference
from tests.connectors.bgmax.strategies import files


@settings(max_examples=60, deadline=None)
@given(files)
def test_writer_then_parser_gives_back_the_model(bgmax: BgMaxFile) -> None:
    data = write_bgmax(bgmax)
    assert all(len(line) == 80 for line in data.split(b"\r\n")[:-1])
    assert parse_bgmax(data) == bgmax


@settings(max_examples=20, deadline=None)
@given(files)
def test_trimmed_lf_files_read_the_same(bgmax: BgMaxFile) -> None:
    assert parse_bgmax(write_bgmax(bgmax, line_ending="\n", trim_trailing_blanks=True)) == bgmax


@pytest.fixture(scope="module")
def synthetic() -> BgMaxFile:
    return synthetic_file(3_000, seed=7)


def test_synthetic_file_round_trips_and_is_reproducible(synthetic: BgMaxFile) -> None:
    assert parse_bgmax(write_bgmax(synthetic)) == synthetic
    assert synthetic_file(3_000, seed=7) == synthetic
    assert synthetic_file(3_000, seed=8) != synthetic
    assert synthetic.payment_count == 3_000


def test_synthetic_file_is_realistic(synthetic: BgMaxFile) -> None:
    payments = [p for d in synthetic.deposits for p in d.payments]
    assert len(synthetic.deposits) > 3
    assert all(d.amount >= 0 for d in synthetic.deposits)
    assert len({d.payment_date for d in synthetic.deposits}) == len(synthetic.deposits)
    assert all(d.payment_date.weekday() < 5 for d in synthetic.deposits)
    assert 0 < sum(p.is_deduction for p in payments) < len(payments) // 10
    assert sum(bool(p.extra_references) for p in payments) > 10
    assert any(e.record_type == 23 for p in payments for e in p.extra_references)
    ocr = [p.reference for p in payments if p.reference_code is ReferenceCode.OCR]
    assert len(ocr) > len(payments) // 2
    assert all(is_valid_ocr_reference(reference) for reference in ocr)
    names = " ".join(p.payer.name for p in payments)
    assert all(letter in names for letter in "åäöÅÖ")
    senders = [p.sender_bankgiro for p in payments if p.sender_bankgiro]
    assert 0 < sum(not is_valid_bankgiro(s) for s in senders) < len(senders) // 10


def test_synthetic_identity_numbers_are_valid_and_never_real(synthetic: BgMaxFile) -> None:
    numbers = [p.payer.identity_number for d in synthetic.deposits for p in d.payments]
    people = [n for n in numbers if n and n.startswith("18")]
    companies = [n for n in numbers if n and n.startswith("00")]
    assert people
    assert companies
    assert all(is_valid_organisation_number(n) for n in companies)
    for number in people:
        assert int(number[:4]) < 1825  # nobody born then was alive in 1947
        assert is_valid_personal_identity_number(number) or is_valid_coordination_number(number)
    assert any(is_valid_coordination_number(n) for n in people)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: dataclasses.replace(p, serial_number="10"), "serial number '10' is not 12"),
        (lambda p: dataclasses.replace(p, payer=Payer(name="€")), "not ISO-8859-1"),
        (lambda p: dataclasses.replace(p, payer=Payer(name="x" * 36)), "longer than 35"),
        (lambda p: dataclasses.replace(p, information=("a\r\nb",)), "line break"),
        (lambda p: dataclasses.replace(p, record_type=21), "needs a deduction code"),
        (lambda p: dataclasses.replace(p, amount=-1), "cannot be negative"),
    ],
)
def test_writer_refuses_what_the_format_cannot_hold(
    change: Callable[[Payment], Payment], message: str
) -> None:
    bgmax = synthetic_file(1, seed=1)
    deposit = bgmax.deposits[0]
    broken = dataclasses.replace(deposit, payments=(change(deposit.payments[0]),))
    with pytest.raises(ValueError, match=message):
        write_bgmax(dataclasses.replace(bgmax, deposits=(broken,)))


def test_writer_refuses_deductions_beyond_the_deposit() -> None:
    bgmax = synthetic_file(1, seed=1)
    deposit = bgmax.deposits[0]
    deduction = dataclasses.replace(
        deposit.payments[0],
        record_type=21,
        deduction_code=DeductionCode.FULL,
        amount=deposit.amount + 1,
    )
    broken = dataclasses.replace(deposit, payments=(*deposit.payments, deduction))
    with pytest.raises(ValueError, match="deposit amount -1"):
        write_bgmax(dataclasses.replace(bgmax, deposits=(broken,)))


def test_fifty_thousand_payments_stream_through() -> None:
    data = write_bgmax(synthetic_file(50_000, seed=11))
    assert sum(1 for _ in iter_payments(data)) == 50_000


def test_synthetic_file_parameters() -> None:
    bgmax = synthetic_file(
        100, seed=2, payments_per_deposit=10, first_payment_date=dt.date(2026, 5, 30), test=False
    )
    assert not bgmax.header.test
    assert bgmax.deposits[0].payment_date == dt.date(2026, 6, 1)  # the Monday after
    assert len(bgmax.deposits) >= 5
    with pytest.raises(ValueError, match="at least one payment"):
        synthetic_file(0, seed=1)
