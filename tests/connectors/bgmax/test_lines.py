"""How lines are read: line ends, trimmed lines, TABs, unknown record types, streaming."""

from __future__ import annotations

import io

from connectors.bgmax import iter_payments, parse_bgmax, synthetic_file, write_bgmax
from tests.connectors.bgmax.sample import SAMPLE, joined, sample_lines, with_inserted


def test_lf_crlf_and_a_final_line_end_read_alike() -> None:
    expected = parse_bgmax(SAMPLE)
    lines = sample_lines()
    assert parse_bgmax(b"\n".join(lines)) == expected
    assert parse_bgmax(b"\n".join(lines) + b"\n") == expected
    assert parse_bgmax(joined(lines) + b"\r\n") == expected


def test_trimmed_and_full_width_lines_read_alike() -> None:
    expected = parse_bgmax(SAMPLE)
    lines = sample_lines()
    full = [line.expandtabs(8).ljust(80) for line in lines]
    trimmed = [line.rstrip(b" ") for line in full]
    assert parse_bgmax(joined(full)) == expected
    assert parse_bgmax(joined(trimmed)) == expected


def test_a_tab_reads_as_blanks_to_the_next_tab_stop() -> None:
    lines = sample_lines()
    assert lines[16].startswith(b"220003783511\t\t       657965")
    aligned = lines[16].expandtabs(8)
    assert aligned[31:37] == b"657965"
    lines[16] = aligned
    assert parse_bgmax(joined(lines)) == parse_bgmax(SAMPLE)


def test_a_tab_inside_a_text_field_is_read_as_blanks() -> None:
    data = with_inserted(19, "25Faktura\t658369")
    payment = parse_bgmax(data).deposits[0].payments[2]
    assert payment.information == ("Betalning med extra refnr 657965", "Faktura       658369")


def test_unknown_record_types_are_ignored() -> None:
    lines = sample_lines()
    for number, text in ((51, "99 after the end"), (20, "30 between a 26 and a 27"), (1, "")):
        lines.insert(number - 1, text.encode())
    lines.insert(3, b"")
    lines.insert(3, "ÅÄ unknown, in ISO-8859-1".encode("iso-8859-1"))
    assert parse_bgmax(joined(lines)) == parse_bgmax(SAMPLE)


def test_lines_are_numbered_as_in_the_file_around_ignored_ones() -> None:
    data = with_inserted(3, "99 an unknown record")
    assert [entry.line for entry in iter_payments(data)] == [4, 9, 14, 26, 31, 36, 41]


def test_iter_payments_streams_a_deposit_at_a_time() -> None:
    data = write_bgmax(synthetic_file(2_000, seed=3, payments_per_deposit=50))
    stream = io.BytesIO(data)
    entries = iter_payments(stream)
    first = next(entries)
    assert stream.tell() < len(data) // 10
    assert len(first.deposit.payments) < 100
    assert sum(1 for _ in entries) == 1_999
    assert not stream.closed  # a stream passed in is left to its owner
