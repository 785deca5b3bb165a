"""Realistic, entirely made-up BgMax content for tests, the demo and benchmarks.

:func:`synthetic_file` builds a :class:`~connectors.bgmax.model.BgMaxFile` of incoming
payments to a municipality (Umeå's, in spirit): OCR references with length and check digit,
Swedish names and addresses, payers' identity numbers, a few deductions and payments with
several references, spread over several deposits. The same seed gives the same file.

Personal and coordination numbers are Luhn-valid but carry birth dates in 1800–1824:
nobody born then was alive when personal identity numbers were introduced (1947), so no
such number has ever belonged to a person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from connectors.bgmax.identifiers import COORDINATION_DAY_OFFSET
from connectors.bgmax.luhn import luhn_check_digit, ocr_reference
from connectors.bgmax.model import (
    BgMaxFile,
    Channel,
    DeductionCode,
    Deposit,
    ExtraReference,
    FileHeader,
    Payer,
    Payment,
    ReferenceCode,
)

__all__ = ["synthetic_file", "synthetic_personal_identity_number"]

_FIRST_NAMES = (
    "Åsa",
    "Björn",
    "Göran",
    "Märta",
    "Östen",
    "Åke",
    "Sören",
    "Linnéa",
    "Maja",
    "Elias",
    "Ingrid",
    "Håkan",
    "Karin",
)
_SURNAMES = (
    "Öberg",
    "Åström",
    "Söderberg",
    "Bäckström",
    "Lindqvist",
    "Nyström",
    "Jönsson",
    "Håkansson",
    "Sjögren",
)
_COMPANIES = ("{}s Bygg AB", "{}s Måleri HB", "{}s Åkeri AB", "Fastighets AB {}", "{} & Söner AB")
_STREETS = (
    "Storgatan",
    "Kungsgatan",
    "Rådhusesplanaden",
    "Östra Kyrkogatan",
    "Västra Esplanaden",
    "Järnvägsallén",
    "Ålidhemsvägen",
)
# city, first and last postal code prefix
_PLACES = (("UMEÅ", 903, 907), ("HOLMSUND", 913, 913), ("SÄVAR", 918, 918), ("HÖRNEFORS", 922, 922))
_SUBJECTS = (
    "Barnomsorgsavgift",
    "Avgift vatten och avlopp",
    "Bygglovsavgift",
    "Hyra lokal Ålidhem",
    "Måltidsavgift skola",
)
_CHANNELS = (Channel.BANK, Channel.SUPPLIER_PAYMENTS, Channel.PAPER, Channel.AUTOGIRO)
_CHANNEL_WEIGHTS = (60, 20, 10, 10)
MUNICIPALITY_BANKGIRO = "9912346"
MUNICIPALITY_ACCOUNT = "5841000001009823"


def synthetic_personal_identity_number(rng: random.Random, *, coordination: bool = False) -> str:
    """A 12-digit, Luhn-valid personal (or coordination) number no person ever had."""
    born = dt.date(1800, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
    day = born.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    body = f"{born.year % 100:02d}{born.month:02d}{day:02d}{rng.randrange(1, 1000):03d}"
    return f"{born.year // 100}{body}{luhn_check_digit(body)}"


def _organisation_number(rng: random.Random) -> str:
    body = f"5{rng.randrange(10)}{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
    return "00" + body + str(luhn_check_digit(body))


def _bankgiro(rng: random.Random) -> str:
    body = str(rng.randrange(10**5, 10**7))
    return body + str(luhn_check_digit(body))


def _payer(rng: random.Random, company: bool) -> Payer:
    surname = rng.choice(_SURNAMES)
    if company:
        name = rng.choice(_COMPANIES).format(surname)
        identity = _organisation_number(rng)
    else:
        name = f"{rng.choice(_FIRST_NAMES)} {surname}"
        identity = synthetic_personal_identity_number(rng, coordination=rng.random() < 0.05)
    city, low, high = rng.choice(_PLACES)
    return Payer(
        name=name,
        extra_name="c/o " + rng.choice(_SURNAMES) if rng.random() < 0.05 else "",
        address=f"{rng.choice(_STREETS)} {rng.randrange(1, 80)}",
        postal_code=f"{rng.randrange(low, high + 1)} {rng.randrange(100):02d}",
        city=city,
        identity_number=identity if rng.random() < 0.8 else None,
    )


class _Maker:
    def __init__(self, rng: random.Random, deduction_share: float, extra_share: float) -> None:
        self.rng = rng
        self.deduction_share = deduction_share
        self.extra_share = extra_share
        self.serial = 0
        self.invoice = rng.randrange(10**6, 10**7)

    def _ocr(self) -> str:
        self.invoice += self.rng.randrange(1, 40)
        return ocr_reference(str(self.invoice))

    def payment(self, balance: int) -> Payment:
        rng = self.rng
        self.serial += 1
        serial = f"{self.serial:012d}"
        channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
        company = channel == Channel.SUPPLIER_PAYMENTS or rng.random() < 0.1
        sender = _bankgiro(rng) if company or rng.random() < 0.3 else None
        if sender is not None and rng.random() < 0.01:
            sender = sender[:-1] + str((int(sender[-1]) + 1) % 10)  # a wrong check digit
        base = Payment(
            record_type=20,
            sender_bankgiro=sender,
            reference="",
            amount=rng.choice((rng.randrange(5_000, 300_000), rng.randrange(100_000, 2_500_000))),
            reference_code=ReferenceCode.BLANK_EXTENDED,
            channel=channel,
            serial_number=serial,
            has_image=channel == Channel.PAPER and rng.random() < 0.7,
            payer=_payer(rng, company),
        )
        if balance > 0 and rng.random() < self.deduction_share:
            return replace(
                base,
                record_type=21,
                reference=self._ocr(),
                amount=rng.randrange(1, min(balance, 500_000) + 1),
                reference_code=ReferenceCode.SEVERAL_OR_UNCHECKED,
                deduction_code=rng.choice(tuple(DeductionCode)),
            )
        if rng.random() < self.extra_share:
            return self._several_invoices(base)
        if channel == Channel.PAPER and rng.random() < 0.3:
            return replace(
                base, information=(f"{rng.choice(_SUBJECTS)} {rng.randrange(2020, 2027)}",)
            )
        return replace(base, reference=self._ocr(), reference_code=ReferenceCode.OCR)

    def _several_invoices(self, base: Payment) -> Payment:
        rng = self.rng
        refs = [self._ocr() for _ in range(rng.randrange(2, 4))]
        extras = tuple(
            ExtraReference(
                record_type=23 if i == len(refs) - 1 and rng.random() < 0.3 else 22,
                reference=ref,
                amount=0 if i < len(refs) - 1 else rng.randrange(0, 10_000),
                reference_code=ReferenceCode.OCR,
                channel=base.channel,
                serial_number=base.serial_number,
                has_image=False,
                sender_bankgiro=base.sender_bankgiro,
            )
            for i, ref in enumerate(refs)
        )
        return replace(
            base,
            reference=" ".join(refs)[:25].rstrip(),
            reference_code=ReferenceCode.SEVERAL_OR_UNCHECKED,
            extra_references=extras,
            information=tuple(f"{rng.choice(_SUBJECTS)} faktura {ref}" for ref in refs),
        )


def synthetic_file(
    n_payments: int,
    seed: int = 0,
    *,
    payments_per_deposit: int = 400,
    deduction_share: float = 0.02,
    extra_reference_share: float = 0.05,
    first_payment_date: dt.date = dt.date(2026, 3, 2),
    test: bool = True,
) -> BgMaxFile:
    """A BgMax file with ``n_payments`` payments and deductions (20 and 21 records).

    Deposits hold about ``payments_per_deposit`` each and fall on consecutive weekdays;
    about ``deduction_share`` of the records are deductions (never more than the deposit
    holds) and ``extra_reference_share`` of the payments settle several invoices.
    Write it with :func:`~connectors.bgmax.writer.write_bgmax`.
    """
    if n_payments < 1:
        raise ValueError("a BgMax file holds at least one payment")
    rng = random.Random(seed)  # noqa: S311 (made-up test data, not security)
    maker = _Maker(rng, deduction_share, extra_reference_share)
    deposits: list[Deposit] = []
    day, left = first_payment_date, n_payments
    while left:
        size = min(left, rng.randrange(1, 2 * payments_per_deposit))
        payments: list[Payment] = []
        balance = 0
        for _ in range(size):
            payment = maker.payment(balance)
            balance += payment.signed_amount
            payments.append(payment)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        deposits.append(
            Deposit(
                recipient_bankgiro=MUNICIPALITY_BANKGIRO,
                recipient_plusgiro=None,
                currency="SEK",
                account=MUNICIPALITY_ACCOUNT,
                payment_date=day,
                serial_number=f"{len(deposits) + 1:05d}",
                deposit_type="",
                payments=tuple(payments),
            )
        )
        day += dt.timedelta(days=1)
        left -= size
    stamp = dt.datetime.combine(day, dt.time(6, 15, 2, rng.randrange(10**6)))
    return BgMaxFile(header=FileHeader(timestamp=stamp, test=test), deposits=tuple(deposits))
