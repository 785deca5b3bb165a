"""The typed content of a BgMax file: a header, deposits, and in each deposit its payments.

Amounts are integers in öre, exactly as the file states them, and therefore never
negative: whether an amount adds to or subtracts from its deposit is told by the record
type (20 payment / 21 deduction, 22 / 23 extra reference). ``signed_amount`` gives the
effect on the deposit (negative for deductions and 23 records); a deposit's ``amount`` is
the sum of its payments' ``signed_amount``.

Numbers that are accounts (bankgiro, plusgiro, bank account) are digit strings without
leading zeros, ``None`` where the file has only zeros (or, for the optional plusgiro,
blanks); serial numbers and identity numbers are the file's digits unchanged. Texts and
references are stripped of surrounding blanks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

from connectors.bgmax.identifiers import format_bankgiro, is_valid_bankgiro

__all__ = [
    "BgMaxFile",
    "Channel",
    "DeductionCode",
    "Deposit",
    "ExtraReference",
    "FileHeader",
    "Payer",
    "Payment",
    "ReferenceCode",
]


class ReferenceCode(IntEnum):
    """How Bankgirot read the payment's reference (position 56)."""

    BLANK = 0
    BLANK_EXTENDED = 1  # no reference, extended registration of the paper slip
    OCR = 2  # correct OCR reference
    SEVERAL_OR_UNCHECKED = 3  # one wrong reference, several, or no OCR agreement
    EXTENDED = 4  # correct reference, extended registration
    WRONG_EXTENDED = 5  # wrong reference, extended registration


class Channel(IntEnum):
    """How the payer paid (position 57)."""

    BANK = 1
    SUPPLIER_PAYMENTS = 2  # Leverantörsbetalningar (LB)
    PAPER = 3
    AUTOGIRO = 4


class DeductionCode(IntEnum):
    """What a deduction (21 record) leaves of the payment it reduces (position 71)."""

    FULL = 0  # no remainder
    PARTIAL = 1  # a remainder is left
    FINAL = 2  # the last of several partial deductions


@dataclass(frozen=True, slots=True)
class FileHeader:
    """The start record (01)."""

    timestamp: dt.datetime  # Bankgirot's local (Swedish) time, naive, with microseconds
    test: bool  # ``T`` in the file; ``False`` is a production (``P``) file
    version: int = 1  # layout version, ``01``


@dataclass(frozen=True, slots=True)
class ExtraReference:
    """An extra reference (22, or 23 with a negative amount) that belongs to a payment."""

    record_type: Literal[22, 23]
    reference: str
    amount: int  # öre, as in the file (never negative); see signed_amount
    reference_code: ReferenceCode
    channel: Channel
    serial_number: str  # 12 digits
    has_image: bool
    sender_bankgiro: str | None = None

    @property
    def signed_amount(self) -> int:
        return -self.amount if self.record_type == 23 else self.amount


@dataclass(frozen=True, slots=True)
class Payer:
    """What the payment's 26, 27, 28 and 29 records say about the payer ("" when absent)."""

    name: str = ""
    extra_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    country_code: str = ""
    identity_number: str | None = None  # 12 digits: organisation or personal identity number


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment (20) or deduction (21) with the records that follow it."""

    record_type: Literal[20, 21]
    sender_bankgiro: str | None  # carried through even when its check digit is wrong
    reference: str
    amount: int  # öre, as in the file (never negative); see signed_amount
    reference_code: ReferenceCode
    channel: Channel
    serial_number: str  # BGC serial number, 12 digits
    has_image: bool
    deduction_code: DeductionCode | None = None  # 21 records only
    extra_references: tuple[ExtraReference, ...] = ()
    information: tuple[str, ...] = ()  # 25 records, in file order
    payer: Payer = field(default_factory=Payer)

    @property
    def is_deduction(self) -> bool:
        return self.record_type == 21

    @property
    def signed_amount(self) -> int:
        """The payment's effect on its deposit: negative for a deduction."""
        return -self.amount if self.record_type == 21 else self.amount

    @property
    def sender_bankgiro_is_valid(self) -> bool:
        return self.sender_bankgiro is not None and is_valid_bankgiro(self.sender_bankgiro)


@dataclass(frozen=True, slots=True)
class Deposit:
    """One 05 … 15 section: the payments deposited to one recipient bankgiro number."""

    recipient_bankgiro: str
    recipient_plusgiro: str | None
    currency: str
    account: str | None  # the recipient's bank account
    payment_date: dt.date
    serial_number: str  # deposit serial number, 5 digits
    deposit_type: str  # K, D, S or "" (meaning unconfirmed)
    payments: tuple[Payment, ...]

    @property
    def amount(self) -> int:
        """The deposited amount in öre: payments minus deductions."""
        return sum(payment.signed_amount for payment in self.payments)

    @property
    def recipient_bankgiro_display(self) -> str:
        return format_bankgiro(self.recipient_bankgiro)


@dataclass(frozen=True, slots=True)
class BgMaxFile:
    """A whole BgMax file."""

    header: FileHeader
    deposits: tuple[Deposit, ...]

    @property
    def payment_count(self) -> int:
        return sum(len(deposit.payments) for deposit in self.deposits)
