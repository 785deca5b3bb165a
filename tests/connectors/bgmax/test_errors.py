"""A damaged or inconsistent file raises BgMaxError naming the line and the field."""

from __future__ import annotations

import pytest

from connectors.bgmax import BgMaxError, iter_payments, parse_bgmax
from tests.connectors.bgmax.sample import (
    joined,
    sample_lines,
    with_field,
    with_inserted,
    without_line,
)


def _error(data: bytes) -> BgMaxError:
    with pytest.raises(BgMaxError) as caught:
        parse_bgmax(data)
    return caught.value


def _long_line(number: int, length: int) -> bytes:
    lines = sample_lines()
    lines[number - 1] = lines[number - 1].ljust(length)
    return joined(lines)


def _truncated(last: int) -> bytes:
    return joined(sample_lines()[:last])


def test_message_names_line_field_and_value() -> None:
    error = _error(with_field(3, 38, "0000000000001000x0"))
    assert (error.line, error.field) == (3, "amount")
    assert str(error) == "line 3, field amount: '0000000000001000x0' is not a number"


FIELD_ERRORS = [
    pytest.param(_long_line(5, 81), 5, "line length", "81 characters", id="line-too-long"),
    pytest.param(
        with_field(17, 3, "\t" * 10), 17, "line length", "TAB", id="line-too-long-with-tabs"
    ),
    pytest.param(with_field(14, 38, "00000000000000000x"), 14, "amount", "not a number", id="22"),
    pytest.param(with_field(8, 3, "00037835X1"), 8, "sender bankgiro", "'00037835X1'", id="bg"),
    pytest.param(with_field(3, 38, "00000000000010000²"), 3, "amount", "not a number", id="²"),
    pytest.param(with_field(3, 56, "9"), 3, "reference code", "'9' is not one of", id="refcode"),
    pytest.param(with_field(3, 57, "7"), 3, "channel", "'7'", id="channel"),
    pytest.param(with_field(3, 58, "00000000001A"), 3, "serial number", "not a number", id="ser"),
    pytest.param(with_field(3, 70, "2"), 3, "image marker", "'2'", id="image"),
    pytest.param(with_field(8, 71, " "), 8, "deduction code", "' '", id="deduction-code"),
    pytest.param(with_field(7, 3, "0055000012X4"), 7, "identity number", "'0055000012X4'", id="id"),
    pytest.param(with_field(23, 3, "x"), 23, "account", "not a number", id="account"),
    pytest.param(with_field(23, 38, "20040532"), 23, "payment date", "not a date", id="date"),
    pytest.param(with_field(23, 46, "0007 "), 23, "deposit serial number", "'0007 '", id="dser"),
    pytest.param(with_field(23, 72, "0000000X"), 23, "count", "not a number", id="count"),
    pytest.param(with_field(50, 3, "0000000x"), 50, "count_20", "not a number", id="end-count"),
    pytest.param(with_field(1, 3, "BGMAY"), 1, "layout name", "'BGMAY", id="layout"),
    pytest.param(with_field(1, 23, "0x"), 1, "version", "'0x'", id="version"),
    pytest.param(with_field(1, 29, "13"), 1, "timestamp", "not a time", id="timestamp"),
    pytest.param(with_field(1, 45, "X"), 1, "test marker", "'X' is not one of T, P", id="marker"),
    pytest.param(
        with_field(2, 3, "0000000000"), 2, "recipient bankgiro", "'0000000000'", id="recipient"
    ),
    pytest.param(with_field(2, 13, "12345x"), 2, "recipient plusgiro", "'12345x    '", id="pg"),
]


@pytest.mark.parametrize(("data", "line", "field", "reason"), FIELD_ERRORS)
def test_malformed_field(data: bytes, line: int, field: str, reason: str) -> None:
    error = _error(data)
    assert (error.line, error.field) == (line, field)
    assert reason in error.reason


CHECK_ERRORS = [
    pytest.param(
        with_field(23, 51, "000000000000190001"),
        23,
        "deposit record.amount",
        "says 1900.01 (190001 öre), the payments less deductions of the deposit opened on "
        "line 2 come to 1900.00 (190000 öre)",
        id="deposit-amount",
    ),
    pytest.param(
        with_field(8, 38, "000000000000050100"),
        23,
        "deposit record.amount",
        "come to 1899.00 (189900 öre)",
        id="deduction-amount",
    ),
    pytest.param(
        with_field(49, 72, "00000005"),
        49,
        "deposit record.count",
        "says 5 payment and deduction records (20, 21), the deposit opened on line 24 has 4",
        id="deposit-count",
    ),
    pytest.param(with_field(23, 69, "EUR"), 23, "deposit record.currency", "'EUR'", id="currency"),
    pytest.param(
        with_field(50, 3, "00000007"),
        50,
        "end record.count_20",
        "says 7 payment records (20), the file has 6",
        id="end-20",
    ),
    pytest.param(with_field(50, 11, "00000000"), 50, "end record.count_21", "has 1", id="end-21"),
    pytest.param(
        with_field(50, 19, "00000005"), 50, "end record.count_22_23", "has 6", id="end-22-23"
    ),
    pytest.param(with_field(50, 27, "00000003"), 50, "end record.count_15", "has 2", id="end-15"),
]


@pytest.mark.parametrize(("data", "line", "field", "reason"), CHECK_ERRORS)
def test_inconsistent_sums_and_counts(data: bytes, line: int, field: str, reason: str) -> None:
    error = _error(data)
    assert (error.line, error.field) == (line, field)
    assert reason in error.reason


_START = sample_lines()[0].decode()
_DEPOSIT_1_CLOSE = sample_lines()[22].decode()
_PAYMENT = sample_lines()[2].decode()

GRAMMAR_ERRORS = [
    pytest.param(without_line(2), 2, "payment record (20) outside a deposit", id="20-before-05"),
    pytest.param(without_line(1), 1, "before the start record (01)", id="no-start"),
    pytest.param(without_line(3), 3, "name record (26) before any payment", id="26-before-20"),
    pytest.param(
        with_inserted(6, "26Kalles Plåt AB"),
        6,
        "name record (26) after the address record (27) on line 5",
        id="26-after-27",
    ),
    pytest.param(
        with_inserted(8, "29005500001234"),
        8,
        "identity record (29) after the identity record (29) on line 7",
        id="two-29",
    ),
    pytest.param(
        with_inserted(19, sample_lines()[13].decode()),
        19,
        "extra reference record (22) after the information record (25) on line 18",
        id="22-after-25",
    ),
    pytest.param(without_line(23), 23, "opening record (05) inside the deposit", id="no-15"),
    pytest.param(
        with_inserted(25, _DEPOSIT_1_CLOSE),
        25,
        "closes the deposit opened on line 24 without any payment",
        id="15-without-payments",
    ),
    pytest.param(with_inserted(24, _DEPOSIT_1_CLOSE), 24, "15) outside a deposit", id="15-twice"),
    pytest.param(without_line(49), 49, "end record (70) inside the deposit", id="70-in-deposit"),
    pytest.param(with_inserted(24, _START), 24, "again: the file started on line 1", id="two-01"),
    pytest.param(
        joined([*sample_lines(), _PAYMENT.encode()]),
        51,
        "after the end record (70) on line 50",
        id="record-after-70",
    ),
    pytest.param(
        joined([sample_lines()[0], sample_lines()[-1]]), 2, "without deposits", id="no-deposits"
    ),
    pytest.param(
        without_line(50), 50, "the file ends after line 49 without an end record (70)", id="no-70"
    ),
    pytest.param(
        _truncated(30), 31, "ends after line 30 inside the deposit opened on line 24", id="cut"
    ),
    pytest.param(b"", 1, "the file is empty", id="empty"),
    pytest.param(b"99 not a bgmax file\n", 2, "without a start record (01)", id="not-bgmax"),
]


@pytest.mark.parametrize(("data", "line", "reason"), GRAMMAR_ERRORS)
def test_grammar_violation(data: bytes, line: int, reason: str) -> None:
    error = _error(data)
    assert (error.line, error.field) == (line, "record type")
    assert reason in error.reason


def test_iter_payments_raises_at_the_damaged_deposit_after_yielding_the_sound_one() -> None:
    entries = iter_payments(with_field(49, 51, "000000000000800001"))
    assert [next(entries).line for _ in range(3)] == [3, 8, 13]
    with pytest.raises(BgMaxError) as caught:
        next(entries)
    assert (caught.value.line, caught.value.field) == (49, "deposit record.amount")


def test_a_bad_end_record_is_found_after_the_last_payment() -> None:
    entries = iter_payments(with_field(50, 27, "00000003"))
    assert len([next(entries) for _ in range(7)]) == 7
    with pytest.raises(BgMaxError, match="count_15"):
        next(entries)
