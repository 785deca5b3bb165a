"""Valid events of the real catalog for the filter, transform and privacy tests.

Identity numbers are synthetic (Luhn-valid, not real people).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.events import Catalog, Event, source_uri

UMEA = {"code": "2480", "organisationNumber": "212000-2627"}
WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PERMIT_GRANTED = "se.kommun.hub.permit.PermitGranted.v1"
PERMIT_REFUSED = "se.kommun.hub.permit.PermitRefused.v1"
CASE_OPENED = "se.kommun.hub.registry.CaseOpened.v1"
PAYMENT_RECEIVED = "se.kommun.hub.finance.PaymentReceived.v1"


def permit_granted(version: int = 2, **changes: Any) -> Event:
    data: dict[str, Any] = {
        "caseNumber": "BN 2026-000123",
        "municipality": UMEA,
        "decidedOn": dt.date(2026, 3, 2),
        "permitType": "BUILDING_PERMIT",
        "decisionReference": "BN § 123/2026",
        "decidedBy": "DELEGATE",
        "propertyDesignation": "UMEÅ STADEN 11:5",
        "measure": "Nybyggnad av enbostadshus",
        "fee": {"amountOre": 2_345_600, "currency": "SEK"},
        "publishedOn": None,
        "technicalConsultationRequired": True,
    }
    if version == 2:
        data |= {"validUntil": None, "conditions": ["Kontrollplan"], "feeReductionFifths": 0}
    data |= changes
    dataschema = f"urn:municipal-event-hub:schemas:permit/PermitGranted/v{version}.avsc"
    return _event(PERMIT_GRANTED, "bygglov", data, dataschema)


def permit_refused(**changes: Any) -> Event:
    data: dict[str, Any] = {
        "caseNumber": "BN 2026-000124",
        "municipality": UMEA,
        "decidedOn": dt.date(2026, 3, 3),
        "permitType": "DEMOLITION_PERMIT",
        "decisionReference": "BN § 124/2026",
        "decidedBy": "COMMITTEE",
        "propertyDesignation": "UMEÅ STADEN 11:6",
        "measure": "Rivning av garage",
        "grounds": "Strider mot detaljplanen",
        "fee": {"amountOre": 500_000, "currency": "SEK"},
        "publishedOn": dt.date(2026, 3, 10),
    }
    return _event(PERMIT_REFUSED, "bygglov", data | changes)


def case_opened(**changes: Any) -> Event:
    data: dict[str, Any] = {
        "caseNumber": "KS 2026/00873",
        "municipality": UMEA,
        "openedAt": dt.datetime(2026, 3, 1, 8, 15, tzinfo=dt.UTC),
        "receivedOn": dt.date(2026, 2, 27),
        "registry": "KS",
        "caseType": "MEDBORGARFÖRSLAG",
        "title": "Medborgarförslag från Anna Andersson om cykelväg",
        "classificationCode": "1.2.3",
        "secrecy": "PUBLIC",
        "responsibleUnit": "Kommunledningskontoret",
        "caseOfficer": "handl042",
        "parties": [
            {
                "role": "APPLICANT",
                "name": "Anna Andersson",
                "identityNumber": "198112189876",
                "email": "anna@example.se",
                "address": {
                    "street": "Storgatan 1",
                    "postalCode": "903 26",
                    "city": "Umeå",
                    "countryCode": "SE",
                },
            },
            {
                "role": "NEIGHBOUR",
                "name": "Bo Berg",
                "identityNumber": None,
                "email": None,
                "address": None,
            },
        ],
    }
    return _event(CASE_OPENED, "diarium", data | changes)


def payment_received(**changes: Any) -> Event:
    data: dict[str, Any] = {
        "reference": "1234574",
        "municipality": UMEA,
        "kind": "PAYMENT",
        "amount": {"amountOre": 140_000, "currency": "SEK"},
        "referenceCode": "OCR",
        "channel": "BANK",
        "senderBankgiro": "5555-5555",
        "recipientBankgiro": "9912-3456",
        "paymentDate": dt.date(2026, 3, 2),
        "bgcSerialNumber": "000120000018",
        "depositSerialNumber": "00001",
        "deductionCode": None,
        "imageAvailable": False,
        "extraReferences": [],
        "information": ["Avgift bygglov", "Anna Andersson"],
        "payer": {
            "name": "Anna Andersson",
            "extraName": None,
            "street": "Storgatan 1",
            "postalCode": "90326",
            "city": "UMEÅ",
            "country": None,
            "countryCode": "SE",
            "identityNumber": "198112189876",
        },
        "fileCreatedAt": dt.datetime(2026, 3, 2, 6, 0, 0, 123456, tzinfo=dt.UTC),
    }
    return _event(PAYMENT_RECEIVED, "bankgirot", data | changes)


def _event(ce_type: str, system: str, data: dict[str, Any], dataschema: str | None = None) -> Event:
    key = data.get("caseNumber") or data.get("reference")
    return Event(
        type=ce_type,
        source=source_uri("2480", system),
        data=data,
        id="7f0c8a52-4a4b-4c1e-9a59-2b1d0a0e5f11",
        time=WHEN,
        subject=key,
        dataschema=dataschema,
    )


def schemas(catalog: Catalog, *names: str) -> list[Any]:
    """The latest schema of each named event."""
    return [catalog.get(name) for name in names]
