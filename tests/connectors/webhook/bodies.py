"""Request bodies for the webhook tests: CloudEvents as the e-services portal sends them."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from connectors.webhook.signature import sign

APPLICATION = "se.kommun.hub.eservice.ApplicationSubmitted.v1"
NOTIFICATION = "se.kommun.hub.eservice.ResidentNotificationRequested.v1"
SECRET = "webhook-test-key-" + "0123456789abcdef0123456789"
OTHER_SECRET = "another-key-entirely-" + "0123456789abcdef01234567"


def application(**data: Any) -> dict[str, Any]:
    """An ApplicationSubmitted CloudEvent with a fresh id and application id."""
    number = uuid.uuid4().hex[:6].upper()
    fields: dict[str, Any] = {
        "applicationId": f"ES-2026-{number}",
        "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
        "serviceId": "bygglov-ansokan",
        "serviceName": "Ansökan om bygglov",
        "submittedAt": "2026-03-01T09:29:58.120+01:00",
        "applicant": {
            "identityNumber": "191212121212",  # Skatteverket's published test number
            "name": "Test Testsson",
            "email": None,
        },
        "authentication": "BANKID",
        "answers": {"fastighet": "Umeå Haga 5:12", "åtgärd": "tillbyggnad"},
        "attachments": [
            {
                "fileName": "ritning.pdf",
                "mediaType": "application/pdf",
                "sizeBytes": 48213,
                "uri": "https://e-tjanster.example/files/7f3a",
            }
        ],
    }
    fields.update(data)
    return {
        "specversion": "1.0",
        "type": APPLICATION,
        "source": "/kommun/2480/e-tjanster",
        "id": str(uuid.uuid4()),
        "time": "2026-03-01T09:30:00Z",
        "datacontenttype": "application/json",
        "data": fields,
    }


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def signed_headers(
    content: bytes, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/cloudevents+json",
        "X-Hub-Timestamp": str(stamp),
        "X-Hub-Signature": sign(secret.encode(), stamp, content),
    }
