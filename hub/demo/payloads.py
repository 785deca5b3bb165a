"""The event data the simulated systems write: JSON as the catalog's schemas expect it
(dates ``YYYY-MM-DD``, timestamps RFC 3339, enums by symbol, amounts in öre).

The case system and finance put these into their outbox tables; the portal posts
ApplicationSubmitted to the webhook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hub.demo.notifications import FEE_PAID, RECEIPT
from hub.demo.people import MUNICIPALITY, Project, Resident

SEK = "SEK"
MUNICIPALITY_BANKGIRO = "991-2346"
"""Umeå's bankgiro number in the demo (the one connectors.bgmax.synthetic uses)."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def application_submitted(application_id: str, who: Resident, what: Project) -> dict[str, Any]:
    return {
        "applicationId": application_id,
        "municipality": MUNICIPALITY,
        "serviceId": "bygglov-ansokan",
        "serviceName": "Ansökan om bygglov",
        "submittedAt": now(),
        "applicant": {
            "identityNumber": who.identity_number,
            "name": who.name,
            "email": who.email,
            "phone": None,
        },
        "authentication": "BANKID",
        "answers": {
            "fastighet": what.property_designation,
            "atgard": what.measure,
            "utdelningsadress": who.street,
            "postnummer": who.postal_code,
            "postort": who.city,
        },
    }


def application_received(
    case: str,
    received: dt.date,
    application: Mapping[str, Any],
    address: Mapping[str, str],
) -> dict[str, Any]:
    applicant = application["applicant"]
    answers = application["answers"]
    return {
        "caseNumber": case,
        "municipality": MUNICIPALITY,
        "receivedOn": received.isoformat(),
        "permitType": "BUILDING_PERMIT",
        "measure": answers["atgard"],
        "propertyDesignation": answers["fastighet"],
        "applicant": {
            "role": "APPLICANT",
            "name": applicant["name"],
            "identityNumber": applicant.get("identityNumber"),
            "email": applicant.get("email"),
            "address": dict(address) if address.get("street") else None,
        },
        "channel": "E_SERVICE",
        "complete": True,
        "decisionDue": (received + dt.timedelta(weeks=10)).isoformat(),
        "eServiceApplicationId": application["applicationId"],
    }


def receipt_notice(notification_id: str, case: str, applicant: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "notificationId": notification_id,
        "municipality": MUNICIPALITY,
        "requestedAt": now(),
        "recipient": {
            "identityNumber": applicant.get("identityNumber"),
            "name": applicant.get("name"),
            "email": applicant.get("email"),
        },
        "channels": ["DIGITAL_MAILBOX", "EMAIL"],
        "templateId": RECEIPT,
        "parameters": {"arendenummer": case},
        "caseNumber": case,
    }


def permit_granted(
    case: str, measure: str, property_designation: str, fee_ore: int, decision: str
) -> dict[str, Any]:
    return {
        "caseNumber": case,
        "municipality": MUNICIPALITY,
        "decidedOn": dt.date.today().isoformat(),
        "permitType": "BUILDING_PERMIT",
        "decisionReference": decision,
        "decidedBy": "DELEGATE",
        "propertyDesignation": property_designation,
        "measure": measure,
        "fee": {"amountOre": fee_ore, "currency": SEK},
        "technicalConsultationRequired": measure.startswith("Nybyggnad"),
        "conditions": ["Kontrollansvarig ska finnas under hela byggprocessen."],
    }


def invoice_issued(
    ocr: str,
    invoice_number: str,
    case: str,
    measure: str,
    fee_ore: int,
    debtor: Mapping[str, Any],
) -> dict[str, Any]:
    today = dt.date.today()
    money = {"amountOre": fee_ore, "currency": SEK}
    return {
        "ocrReference": ocr,
        "municipality": MUNICIPALITY,
        "invoiceNumber": invoice_number,
        "issuedOn": today.isoformat(),
        "dueOn": (today + dt.timedelta(days=30)).isoformat(),
        "total": money,
        "vat": {"amountOre": 0, "currency": SEK},  # authority decisions carry no VAT
        "debtor": {
            "name": debtor["namn"],
            "identityNumber": debtor.get("pnr"),
            "address": debtor.get("adress"),
            "email": debtor.get("epost"),
        },
        "bankgiro": MUNICIPALITY_BANKGIRO,
        "caseNumber": case,
        "lines": [
            {"description": f"Bygglovsavgift: {measure}", "amount": money, "vatRatePercent": 0}
        ],
    }


def fee_paid_notice(
    notification_id: str, case: str, invoice_number: str, debtor: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "notificationId": notification_id,
        "municipality": MUNICIPALITY,
        "requestedAt": now(),
        "recipient": {
            "identityNumber": debtor.get("pnr"),
            "name": debtor["namn"],
            "email": debtor.get("epost"),
        },
        "channels": ["DIGITAL_MAILBOX", "EMAIL"],
        "templateId": FEE_PAID,
        "parameters": {"arendenummer": case, "fakturanummer": invoice_number},
        "caseNumber": case,
    }
