"""One BgMax payment or deduction record as the data of a ``PaymentReceived`` event."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from connectors.bgmax.model import FileHeader, Payer, Payment
from connectors.bgmax.parser import PaymentEntry

SWEDEN = ZoneInfo("Europe/Stockholm")

_REFERENCE_CODES = {
    0: "NONE",
    1: "NONE_EXTENDED",
    2: "OCR",
    3: "MULTIPLE_OR_INVALID",
    4: "VALID_EXTENDED",
    5: "INVALID_EXTENDED",
}
_CHANNELS = {1: "BANK", 2: "SUPPLIER_PAYMENTS", 3: "PAPER", 4: "AUTOGIRO"}
_DEDUCTIONS = {0: "FULL", 1: "PARTIAL", 2: "FINAL"}


def file_created_at(header: FileHeader) -> dt.datetime:
    """Bankgirot writes Swedish local time; events carry UTC."""
    return header.timestamp.replace(tzinfo=SWEDEN).astimezone(dt.UTC)


def payment_reference(payment: Payment) -> str:
    """The record key: the reference, or ``BGC-<serial>`` for a payment without one."""
    return payment.reference or f"BGC-{payment.serial_number}"


def _payer(payer: Payer) -> dict[str, Any] | None:
    """The payer's name and address, blanks as None; None when the file has none of it."""
    name, extra_name, street = payer.name, payer.extra_name, payer.address
    postal_code, city, country = payer.postal_code, payer.city, payer.country
    country_code, identity = payer.country_code, payer.identity_number
    if not (
        name or extra_name or street or postal_code or city or country or country_code or identity
    ):
        return None
    return {
        "name": name or None,
        "extraName": extra_name or None,
        "street": street or None,
        "postalCode": postal_code or None,
        "city": city or None,
        "country": country or None,
        "countryCode": country_code or None,
        "identityNumber": identity or None,
    }


def payment_data(
    entry: PaymentEntry, municipality: dict[str, str], created: dt.datetime
) -> dict[str, Any]:
    """The ``PaymentReceived`` data for one 20 (payment) or 21 (deduction) record."""
    payment, deposit = entry.payment, entry.deposit
    return {
        "reference": payment_reference(payment),
        "municipality": municipality,
        "kind": "DEDUCTION" if payment.is_deduction else "PAYMENT",
        "amount": {"amountOre": payment.amount, "currency": deposit.currency},
        "referenceCode": _REFERENCE_CODES.get(payment.reference_code, "UNKNOWN"),
        "channel": _CHANNELS.get(payment.channel, "UNKNOWN"),
        "senderBankgiro": payment.sender_bankgiro,
        "recipientBankgiro": deposit.recipient_bankgiro,
        "paymentDate": deposit.payment_date,
        "bgcSerialNumber": payment.serial_number,
        "depositSerialNumber": deposit.serial_number,
        "deductionCode": (
            _DEDUCTIONS.get(payment.deduction_code, "UNKNOWN")
            if payment.deduction_code is not None
            else None
        ),
        "imageAvailable": payment.has_image,
        "extraReferences": [x.reference for x in payment.extra_references if x.reference],
        "information": list(payment.information),
        "payer": _payer(payment.payer),
        "fileCreatedAt": created,
    }
