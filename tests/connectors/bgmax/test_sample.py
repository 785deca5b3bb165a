"""Bankgirot's own example file reads as its README describes."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from connectors.bgmax import (
    BgMaxFile,
    Channel,
    DeductionCode,
    ReferenceCode,
    iter_payments,
    parse_bgmax,
    write_bgmax,
)
from tests.connectors.bgmax.sample import SAMPLE, SAMPLE_SHA256


@pytest.fixture(scope="module")
def sample() -> BgMaxFile:
    return parse_bgmax(SAMPLE)


def test_the_sample_is_the_unchanged_bank_file() -> None:
    data = SAMPLE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SAMPLE_SHA256
    lines = data.split(b"\r\n")
    assert b"\t\t" in lines[16]
    assert any(len(line) < 80 for line in lines)
    assert "Plåt".encode("iso-8859-1") in data


def test_header(sample: BgMaxFile) -> None:
    assert sample.header.timestamp == dt.datetime(2004, 5, 25, 17, 30, 35, 10331)
    assert sample.header.test is False
    assert sample.header.version == 1


def test_two_deposits_to_bankgiro_991_2346_on_2004_05_25(sample: BgMaxFile) -> None:
    assert len(sample.deposits) == 2
    for deposit in sample.deposits:
        assert deposit.recipient_bankgiro == "9912346"
        assert deposit.recipient_bankgiro_display == "991-2346"
        assert deposit.recipient_plusgiro is None
        assert deposit.currency == "SEK"
        assert deposit.payment_date == dt.date(2004, 5, 25)
        assert deposit.account == "5841000001009823"
        assert deposit.deposit_type == ""
    assert [d.serial_number for d in sample.deposits] == ["00074", "00075"]
    assert [d.amount for d in sample.deposits] == [190000, 800000]


def test_first_deposit_payment_deduction_and_extra_references(sample: BgMaxFile) -> None:
    first, deduction, third = sample.deposits[0].payments
    assert (first.record_type, first.amount, first.signed_amount) == (20, 100000, 100000)
    assert first.reference == "655969"
    assert first.reference_code is ReferenceCode.OCR
    assert first.channel is Channel.SUPPLIER_PAYMENTS
    assert first.serial_number == "000000000010"
    assert first.deduction_code is None
    assert first.sender_bankgiro == "3783511"

    assert deduction.is_deduction
    assert (deduction.amount, deduction.signed_amount) == (50000, -50000)
    assert deduction.reference == "89853"  # left-justified under reference code 3
    assert deduction.deduction_code is DeductionCode.FULL

    assert third.amount == 140000
    assert third.reference == "657866 658765 657767"
    assert third.reference_code is ReferenceCode.SEVERAL_OR_UNCHECKED
    assert [(e.record_type, e.reference, e.amount) for e in third.extra_references] == [
        (22, "657866", 0),
        (22, "658765", 0),
        (22, "657767", 0),
        (22, "657965", 0),  # the line with TABs where blanks belong
    ]
    assert third.information == ("Betalning med extra refnr 657965",)


def test_second_deposit(sample: BgMaxFile) -> None:
    payments = sample.deposits[1].payments
    assert [p.amount for p in payments] == [110000, 120000, 70000, 500000]
    assert all(p.record_type == 20 for p in payments)
    unreferenced = payments[1]
    assert unreferenced.reference == ""
    assert unreferenced.reference_code is ReferenceCode.BLANK_EXTENDED
    assert unreferenced.channel is Channel.PAPER
    assert unreferenced.has_image
    last = payments[3]
    assert [e.reference for e in last.extra_references] == ["658369", "658468"]
    assert last.information == ("Faktura 658369", "Faktura 658468")


def test_payers_decoded_from_iso_8859_1(sample: BgMaxFile) -> None:
    payers = [p.payer for d in sample.deposits for p in d.payments]
    assert payers[0].name == "Kalles Plåt AB"
    assert payers[0].address == "Storgatan 2"
    assert payers[0].postal_code == "12345"
    assert payers[0].city == "Storåker"
    assert payers[0].country == payers[0].country_code == ""
    assert payers[0].identity_number == "005500001234"
    assert payers[3].name == "Olles färg AB"
    assert payers[4].name == "Berits Garn"
    assert payers[4].identity_number == "005500002222"


def test_sender_bankgiro_with_a_wrong_check_digit_is_carried_through(sample: BgMaxFile) -> None:
    paper = sample.deposits[1].payments[1]
    assert paper.sender_bankgiro == "1234567"
    assert not paper.sender_bankgiro_is_valid
    assert sample.deposits[0].payments[0].sender_bankgiro_is_valid


def test_end_record_totals_agree(sample: BgMaxFile) -> None:
    payments = [p for d in sample.deposits for p in d.payments]
    assert sum(p.record_type == 20 for p in payments) == 6
    assert sum(p.record_type == 21 for p in payments) == 1
    assert sum(len(p.extra_references) for p in payments) == 6


def test_iter_payments_gives_each_payment_with_its_deposit_and_line(sample: BgMaxFile) -> None:
    entries = list(iter_payments(SAMPLE))
    assert [e.line for e in entries] == [3, 8, 13, 25, 30, 35, 40]
    assert [e.index for e in entries] == list(range(7))
    assert [e.payment for e in entries] == [p for d in sample.deposits for p in d.payments]
    assert entries[4].deposit is entries[3].deposit
    assert entries[0].deposit.serial_number == "00074"
    assert entries[0].header == sample.header


def test_paths_bytes_and_streams_read_alike(sample: BgMaxFile) -> None:
    assert parse_bgmax(str(SAMPLE)) == sample
    assert parse_bgmax(SAMPLE.read_bytes()) == sample
    with SAMPLE.open("rb") as stream:
        assert parse_bgmax(stream) == sample


def test_writing_the_sample_reads_back_the_same(sample: BgMaxFile) -> None:
    assert parse_bgmax(write_bgmax(sample)) == sample
