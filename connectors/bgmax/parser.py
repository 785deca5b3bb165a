"""Reading BgMax files: the whole file as a model, or its payments one deposit at a time.

Both read the file as a stream of lines, check it as they go and raise
:class:`~connectors.bgmax.errors.BgMaxError` at the first problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from connectors.bgmax.lines import Source
from connectors.bgmax.model import BgMaxFile, Deposit, FileHeader, Payment
from connectors.bgmax.reader import Section, read_sections

__all__ = ["PaymentEntry", "iter_payments", "parse_bgmax"]


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """A payment with where it came from."""

    header: FileHeader
    deposit: Deposit  # the payment's deposit (which holds this payment too)
    payment: Payment
    index: int  # position among the file's payments and deductions, from 0
    line: int  # line number of its 20 or 21 record


def parse_bgmax(source: Source) -> BgMaxFile:
    """Read and check a whole BgMax file: its content (``bytes``), a path, or a binary stream."""
    header: FileHeader | None = None
    deposits: list[Deposit] = []
    for item in read_sections(source):
        if isinstance(item, Section):
            deposits.append(item.deposit)
        else:
            header = item
    assert header is not None  # read_sections finishes only for a whole file
    return BgMaxFile(header=header, deposits=tuple(deposits))


def iter_payments(source: Source) -> Iterator[PaymentEntry]:
    """Yield the file's payments and deductions in file order, keeping one deposit in memory.

    A deposit's payments are yielded once its deposit record (15) has confirmed their count
    and sum. The end record (70) is checked after the last payment has been yielded, so a
    file damaged at its end raises only then: a consumer that must not act on part of a
    file should read it whole first (:func:`parse_bgmax`), or check it in a first pass
    (``for _ in iter_payments(path): pass``), which holds no more than one deposit.
    """
    header: FileHeader | None = None
    index = 0
    for item in read_sections(source):
        if not isinstance(item, Section):
            header = item
            continue
        assert header is not None  # the start record comes first
        for payment, line in zip(item.deposit.payments, item.payment_lines, strict=True):
            yield PaymentEntry(header, item.deposit, payment, index, line)
            index += 1
