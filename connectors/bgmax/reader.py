"""The BgMax grammar and sums, checked as the lines stream past.

``01 { 05 { (20|21) [22|23]* [25]* [26] [27] [28] [29] }+ 15 }+ 70``: every deposit (05 …
15) is checked against its deposit record when that record arrives, and the whole file
against its end record. Record types outside the grammar are skipped. The first problem
found raises :class:`BgMaxError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

from connectors.bgmax import records
from connectors.bgmax.errors import BgMaxError
from connectors.bgmax.lines import Source, numbered_lines
from connectors.bgmax.model import Deposit, ExtraReference, FileHeader, Payer, Payment

__all__ = ["Section", "read_sections"]

_NAMES = {
    "01": "start record (01)",
    "05": "opening record (05)",
    "20": "payment record (20)",
    "21": "deduction record (21)",
    "22": "extra reference record (22)",
    "23": "extra reference record (23)",
    "25": "information record (25)",
    "26": "name record (26)",
    "27": "address record (27)",
    "28": "city record (28)",
    "29": "identity record (29)",
    "15": "deposit record (15)",
    "70": "end record (70)",
}
# Order of the records that may follow a 20 or 21; only 22/23 and 25 may repeat.
_RANKS = {"22": 1, "23": 1, "25": 2, "26": 3, "27": 4, "28": 5, "29": 6}
_REPEATABLE = (1, 2)
_ORDER = "a payment's records come as 22/23…, 25…, 26, 27, 28, 29 (26 to 29 at most once)"
_NO_PAYER = Payer()
_BEFORE, _INSIDE, _ENDED = 0, 1, 2


class Section(NamedTuple):
    """A checked deposit, with the line numbers of its payments' 20 and 21 records."""

    deposit: Deposit
    payment_lines: tuple[int, ...]


def _kronor(ore: int) -> str:
    return f"{ore // 100}.{ore % 100:02d} ({ore} öre)"


def _misplaced(number: int, kind: str, why: str) -> BgMaxError:
    return BgMaxError(number, "record type", f"{_NAMES[kind]} {why}")


class _Draft:
    """A payment whose 20 or 21 record has been read, gathering the records after it."""

    __slots__ = (
        "address",
        "city",
        "deduction_code",
        "extras",
        "identity",
        "information",
        "name",
        "record_type",
        "stage",
        "stage_kind",
        "stage_line",
        "transaction",
    )

    def __init__(self, record_type: Literal[20, 21], line: str, number: int) -> None:
        self.record_type: Literal[20, 21] = record_type
        self.transaction = records.transaction(line, number)
        self.deduction_code = records.deduction_code(line, number) if record_type == 21 else None
        self.extras: list[ExtraReference] = []
        self.information: list[str] = []
        self.name: tuple[str, str] | None = None
        self.address: tuple[str, str] | None = None
        self.city: tuple[str, str, str] | None = None
        self.identity: str | None = None
        self.stage, self.stage_kind, self.stage_line = 0, "", number

    def add(self, kind: str, rank: int, line: str, number: int) -> None:
        if rank < self.stage or (rank == self.stage and rank not in _REPEATABLE):
            raise _misplaced(
                number,
                kind,
                f"after the {_NAMES[self.stage_kind]} on line {self.stage_line}: {_ORDER}",
            )
        self.stage, self.stage_kind, self.stage_line = rank, kind, number
        if rank == 1:
            t = records.transaction(line, number)
            self.extras.append(
                ExtraReference(
                    record_type=22 if kind == "22" else 23,
                    reference=t.reference,
                    amount=t.amount,
                    reference_code=t.reference_code,
                    channel=t.channel,
                    serial_number=t.serial_number,
                    has_image=t.has_image,
                    sender_bankgiro=t.sender_bankgiro,
                )
            )
        elif rank == 2:
            self.information.append(records.information(line))
        elif rank == 3:
            self.name = records.name(line)
        elif rank == 4:
            self.address = records.address(line)
        elif rank == 5:
            self.city = records.city(line)
        else:
            self.identity = records.identity_number(line, number)

    def payment(self) -> Payment:
        t = self.transaction
        payer = _NO_PAYER
        if self.name or self.address or self.city or self.identity:
            name, extra_name = self.name or ("", "")
            address, postal_code = self.address or ("", "")
            city, country, country_code = self.city or ("", "", "")
            payer = Payer(
                name=name,
                extra_name=extra_name,
                address=address,
                postal_code=postal_code,
                city=city,
                country=country,
                country_code=country_code,
                identity_number=self.identity,
            )
        return Payment(
            record_type=self.record_type,
            sender_bankgiro=t.sender_bankgiro,
            reference=t.reference,
            amount=t.amount,
            reference_code=t.reference_code,
            channel=t.channel,
            serial_number=t.serial_number,
            has_image=t.has_image,
            deduction_code=self.deduction_code,
            extra_references=tuple(self.extras),
            information=tuple(self.information),
            payer=payer,
        )


class _Reader:
    def __init__(self) -> None:
        self.phase = _BEFORE
        self.start_line = self.end_line = 0
        self.opening: records.Opening | None = None
        self.opening_line = 0
        self.draft: _Draft | None = None
        self.payments: list[Payment] = []
        self.payment_lines: list[int] = []
        self.deposit_sum = 0
        self.counts = {"20": 0, "21": 0, "22_23": 0, "15": 0}

    def run(self, source: Source) -> Iterator[FileHeader | Section]:
        last = 0
        for number, line in numbered_lines(source):
            last = number
            kind = line[:2]
            if kind not in _NAMES:
                continue  # unknown record types are ignored
            if self.phase != _INSIDE and kind != "01":
                where = (
                    "before the start record (01)"
                    if self.phase == _BEFORE
                    else f"after the end record (70) on line {self.end_line}"
                )
                raise _misplaced(number, kind, where)
            rank = _RANKS.get(kind)
            if rank is not None:
                self._detail(kind, rank, line, number)
            elif kind in ("20", "21"):
                self._payment(kind, line, number)
            elif kind == "15":
                yield self._close(line, number)
            elif kind == "05":
                self._open(line, number)
            elif kind == "01":
                yield self._start(line, number)
            else:
                self._end(line, number)
        self._finish(last)

    def _start(self, line: str, number: int) -> FileHeader:
        if self.phase != _BEFORE:
            raise _misplaced(number, "01", f"again: the file started on line {self.start_line}")
        self.phase, self.start_line = _INSIDE, number
        return records.start(line, number)

    def _open(self, line: str, number: int) -> None:
        if self.opening is not None:
            raise _misplaced(
                number,
                "05",
                f"inside the deposit opened on line {self.opening_line}, "
                "whose deposit record (15) is missing",
            )
        self.opening, self.opening_line = records.opening(line, number), number

    def _outside(self, number: int, kind: str) -> BgMaxError:
        return _misplaced(number, kind, "outside a deposit: no opening record (05) before it")

    def _payment(self, kind: str, line: str, number: int) -> None:
        if self.opening is None:
            raise self._outside(number, kind)
        if self.draft is not None:
            self.payments.append(self.draft.payment())
        draft = self.draft = _Draft(20 if kind == "20" else 21, line, number)
        self.payment_lines.append(number)
        self.counts[kind] += 1
        amount = draft.transaction.amount
        self.deposit_sum += -amount if kind == "21" else amount

    def _detail(self, kind: str, rank: int, line: str, number: int) -> None:
        if self.draft is None:
            if self.opening is None:
                raise self._outside(number, kind)
            raise _misplaced(
                number,
                kind,
                f"before any payment (20) or deduction (21) of the deposit opened on line "
                f"{self.opening_line}",
            )
        self.draft.add(kind, rank, line, number)
        if rank == 1:
            self.counts["22_23"] += 1

    def _close(self, line: str, number: int) -> Section:
        opening = self.opening
        if opening is None:
            raise self._outside(number, "15")
        if self.draft is None:
            raise _misplaced(
                number,
                "15",
                f"closes the deposit opened on line {self.opening_line} without any "
                "payment (20) or deduction (21)",
            )
        self.payments.append(self.draft.payment())
        closing = records.closing(line, number)
        if closing.currency != opening.currency:
            raise BgMaxError(
                number,
                "deposit record.currency",
                f"{closing.currency!r} differs from {opening.currency!r} in the opening "
                f"record (05) on line {self.opening_line}",
            )
        if closing.record_count != len(self.payments):
            raise BgMaxError(
                number,
                "deposit record.count",
                f"says {closing.record_count} payment and deduction records (20, 21), the deposit "
                f"opened on line {self.opening_line} has {len(self.payments)}",
            )
        if closing.amount != self.deposit_sum:
            raise BgMaxError(
                number,
                "deposit record.amount",
                f"says {_kronor(closing.amount)}, the payments less deductions of the "
                f"deposit opened on line {self.opening_line} come to {_kronor(self.deposit_sum)}",
            )
        deposit = Deposit(
            recipient_bankgiro=opening.recipient_bankgiro,
            recipient_plusgiro=opening.recipient_plusgiro,
            currency=opening.currency,
            account=closing.account,
            payment_date=closing.payment_date,
            serial_number=closing.serial_number,
            deposit_type=closing.deposit_type,
            payments=tuple(self.payments),
        )
        section = Section(deposit, tuple(self.payment_lines))
        self.counts["15"] += 1
        self.opening, self.draft, self.deposit_sum = None, None, 0
        self.payments, self.payment_lines = [], []
        return section

    def _end(self, line: str, number: int) -> None:
        if self.opening is not None:
            raise _misplaced(
                number,
                "70",
                f"inside the deposit opened on line {self.opening_line}, "
                "whose deposit record (15) is missing",
            )
        if self.counts["15"] == 0:
            raise _misplaced(number, "70", "in a file without deposits (05 … 15)")
        claimed = records.end_counts(line, number)
        for key, says, what in (
            ("20", claimed.payments, "payment records (20)"),
            ("21", claimed.deductions, "deduction records (21)"),
            ("22_23", claimed.extra_references, "extra reference records (22, 23)"),
            ("15", claimed.deposits, "deposits (15)"),
        ):
            if says != self.counts[key]:
                raise BgMaxError(
                    number,
                    f"end record.count_{key}",
                    f"says {says} {what}, the file has {self.counts[key]}",
                )
        self.phase, self.end_line = _ENDED, number

    def _finish(self, last: int) -> None:
        if self.phase == _ENDED:
            return
        if last == 0:
            raise BgMaxError(1, "record type", "the file is empty: no start record (01)")
        if self.phase == _BEFORE:
            missing = "without a start record (01)"
        elif self.opening is not None:
            missing = (
                f"inside the deposit opened on line {self.opening_line}: its deposit "
                "record (15) and the end record (70) are missing"
            )
        else:
            missing = "without an end record (70)"
        raise BgMaxError(last + 1, "record type", f"the file ends after line {last} {missing}")


def read_sections(source: Source) -> Iterator[FileHeader | Section]:
    """Yield the file's header, then each deposit once it has been checked.

    The end record is checked after the last deposit has been yielded: the iteration only
    finishes without error for a whole, consistent file.
    """
    return _Reader().run(source)
