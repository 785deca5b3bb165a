"""The demo's ``hub.yaml``: five connectors and five routes between the simulated systems.

Written to ``.hub/demo/hub.yaml`` at every start, with the run's ports, topic prefix and
folders; secrets (the webhook key, the database URLs) go to files beside it and are
referenced as ``{file: ...}``. It stays after the run, so ``hub dlq list`` and
``hub routes list`` can be pointed at it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hub.demo.layout import Layout
from hub.demo.pace import Pace

NOTIFY_ROUTE = "notify-residents"
UMEA = {"municipality_code": "2480"}
CONSTANTS = {
    "municipality.code": {"const": "2480"},
    "municipality.organisationNumber": {"const": "212000-2627"},
}
HEADER = """\
# The hub of the simulated municipality that `hub demo` runs (written anew at each start).
#   e-services portal --webhook--> ApplicationSubmitted --route--> case system
#   case system: legacy table --sql-poll--> CaseOpened; outbox --sql-poll--> permit events
#   finance: outbox --sql-poll--> InvoiceIssued; bank --bgmax--> PaymentReceived --> finance
#   both outboxes --> ResidentNotificationRequested --route--> notification service
"""


@dataclass(frozen=True)
class Endpoints:
    """Where the simulated systems listen and keep their data."""

    webhook_port: int
    case_system: str
    finance: str
    notifications: str
    diarium_db: str
    ekonomi_db: str


def write_config(
    layout: Layout, prefix: str, bootstrap: str | None, ends: Endpoints, pace: Pace
) -> tuple[Path, str]:
    """Write the run's hub.yaml and secrets; returns the file and the webhook secret."""
    layout.secrets.mkdir(parents=True, exist_ok=True)
    webhook_secret = secrets.token_hex(32)
    for name, value in (
        ("webhook", webhook_secret),
        ("diarium-db", ends.diarium_db),
        ("ekonomi-db", ends.ekonomi_db),
    ):
        path = layout.secrets / name
        path.write_text(value + "\n")
        path.chmod(0o600)
    kafka: dict[str, Any] = {"topic_prefix": prefix}
    if bootstrap is not None:
        kafka = {"bootstrap_servers": bootstrap, **kafka}
    config = {
        "kafka": kafka,
        "observability": {"host": "127.0.0.1", "port": 0},
        "connectors": _connectors(layout, ends, pace),
        "routes": _routes(ends),
    }
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    layout.hub_yaml.write_text(HEADER + text)
    return layout.hub_yaml, webhook_secret


def _connectors(layout: Layout, ends: Endpoints, pace: Pace) -> list[dict[str, Any]]:
    outbox = {
        "mode": "incrementing",
        "id_column": "id",
        "timestamp_column": "skapad",
        "delay_seconds": 0.5,
        "poll_interval": pace.poll_interval,
        "outbox": {"event_id_column": "event_id"},
    }
    return [
        {
            "name": "e-tjanster",
            "type": "webhook",
            "config": {
                "host": "127.0.0.1",
                "port": ends.webhook_port,
                "path": "/eservice/events",
                "secret": {"file": "secrets/webhook"},
                "event_types": ["se.kommun.hub.eservice.ApplicationSubmitted.v1"],
                **UMEA,
            },
        },
        {
            "name": "diarium",
            "type": "sql-poll",
            "config": {
                "url": {"file": "secrets/diarium-db"},
                "table": "arende",
                "mode": "incrementing",
                "id_column": "id",
                "timestamp_column": "registrerad",
                "delay_seconds": 0.5,
                "poll_interval": pace.poll_interval,
                "system": "diarium",
                **UMEA,
                "mapping": {
                    "event": "CaseOpened",
                    "fields": {
                        "caseNumber": "diarienr",
                        **CONSTANTS,
                        "openedAt": "registrerad",
                        "receivedOn": "inkom",
                        "registry": "serie",
                        "caseType": "arendetyp",
                        "title": {"template": "{atgard}, {fastighet}"},
                        "classificationCode": "klass",
                        "secrecy": {
                            "column": "sekretess",
                            "values": {"O": "PUBLIC", "D": "PARTLY_SECRET", "S": "SECRET"},
                        },
                        "responsibleUnit": "enhet",
                        "caseOfficer": "handlaggare",
                    },
                },
            },
        },
        {
            "name": "bygglov-outbox",
            "type": "sql-poll",
            "config": {
                "url": {"file": "secrets/diarium-db"},
                "table": "outbox",
                "system": "bygglov",
                **UMEA,
                **outbox,
            },
        },
        {
            "name": "ekonomi-outbox",
            "type": "sql-poll",
            "config": {
                "url": {"file": "secrets/ekonomi-db"},
                "table": "outbox",
                "system": "ekonomi",
                **UMEA,
                **outbox,
            },
        },
        {
            "name": "bankgirot",
            "type": "bgmax",
            "config": {
                "inbox": str(layout.inbox),
                "pattern": "BGMAX_*.txt",
                "poll_interval": pace.poll_interval,
                "settle_seconds": 0,
                "organisation_number": "212000-2627",
                **UMEA,
            },
        },
    ]


def _routes(ends: Endpoints) -> list[dict[str, Any]]:
    patient = {"max_attempts": 30, "initial": 0.2, "max": 1.0, "jitter": 0.1}
    return [
        {
            "name": "applications-to-case-system",
            "from": {"domains": ["eservice"], "types": ["ApplicationSubmitted"]},
            "filter": 'data.serviceId == "bygglov-ansokan"',
            "personal_data": {
                "allow": True,
                "reason": "Registering the application as a permit case (PBL 9 kap., OSL 5 kap.)",
            },
            "transform": {
                "applicationId": "data.applicationId",
                "submittedAt": "data.submittedAt",
                "applicant.name": "data.applicant.name",
                "applicant.identityNumber": "data.applicant.identityNumber",
                "applicant.email": "data.applicant.email",
                "answers": "data.answers",
            },
            "sink": {"type": "http", "config": {"url": f"{ends.case_system}/applications"}},
            "retry": patient,
        },
        {
            "name": "applicants-to-finance",
            "from": {"domains": ["permit"], "types": ["PermitApplicationReceived"]},
            "personal_data": {
                "allow": True,
                "reason": "Invoicing the permit fee to the applicant (PBL 12 kap. 8 §)",
            },
            "transform": {
                "caseNumber": "data.caseNumber",
                "name": "data.applicant.name",
                "identityNumber": "data.applicant.identityNumber",
                "email": "data.applicant.email",
                "address": "data.applicant.address",
            },
            "sink": {"type": "http", "config": {"url": f"{ends.finance}/applicants"}},
            "retry": patient,
        },
        {
            "name": "permits-to-finance",
            "from": {"domains": ["permit"], "types": ["PermitGranted"]},
            "transform": {
                "caseNumber": "data.caseNumber",
                "decisionReference": "data.decisionReference",
                "decidedOn": "data.decidedOn",
                "measure": "data.measure",
                "fee": "data.fee",
            },
            "sink": {"type": "http", "config": {"url": f"{ends.finance}/permits"}},
            "retry": patient,
        },
        {
            "name": "payments-to-finance",
            "from": {"domains": ["finance"], "types": ["PaymentReceived"]},
            "transform": {
                "reference": "data.reference",
                "referenceCode": "data.referenceCode",
                "amountOre": "data.amount.amountOre",
                "bgcSerialNumber": "data.bgcSerialNumber",
                "paymentDate": "data.paymentDate",
            },
            "sink": {"type": "http", "config": {"url": f"{ends.finance}/payments"}},
            "retry": patient,
        },
        {
            "name": NOTIFY_ROUTE,
            "from": {"domains": ["eservice"], "types": ["ResidentNotificationRequested"]},
            "personal_data": {
                "allow": True,
                "reason": "Telling residents about their own cases (GDPR art. 6.1 e)",
            },
            "transform": {
                "notificationId": "data.notificationId",
                "templateId": "data.templateId",
                "caseNumber": "data.caseNumber",
                "channels": "data.channels",
                "recipient.name": "data.recipient.name",
                "recipient.email": "data.recipient.email",
                "recipient.identityNumber": "data.recipient.identityNumber",
                "parameters": "data.parameters",
            },
            "sink": {"type": "http", "config": {"url": f"{ends.notifications}/notifications"}},
            # few, quick attempts: while the service is down, events become dead letters
            "retry": {"max_attempts": 3, "initial": 0.5, "max": 1.0, "jitter": 0.1},
        },
    ]
