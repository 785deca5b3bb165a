"""The ``webhook`` connector type: events POSTed by the e-services portal.

Request
=======

One event per request, a CloudEvent in the JSON event format (structured mode)::

    POST /events HTTP/1.1
    Content-Type: application/cloudevents+json          (application/json also accepted)
    X-Hub-Timestamp: 1772357400                         (unix seconds, when signed)
    X-Hub-Signature: sha256=<64 hex digits>

    {
      "specversion": "1.0",
      "type": "se.kommun.hub.eservice.ApplicationSubmitted.v1",
      "source": "/kommun/2480/e-tjanster",
      "id": "9b2f0c4e-1d7a-4c55-9a43-0f3b8f1e2d11",
      "time": "2026-03-01T09:30:00Z",
      "data": {
        "applicationId": "ES-2026-004711",
        "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
        "serviceId": "bygglov-ansokan",
        "serviceName": "Ansökan om bygglov",
        "submittedAt": "2026-03-01T09:29:58.120+01:00",
        "applicant": {"identityNumber": null, "name": "Test Testsson"},
        "authentication": "BANKID",
        "answers": {"fastighet": "Umeå Haga 5:12"}
      }
    }

* ``type`` is a catalog type, ``se.kommun.hub.<domain>.<Event>.v<major>``; ``data`` holds
  the event's fields as in its Avro schema (``schemas/<domain>/<Event>/``): timestamps as
  RFC 3339 text with an offset, dates as ``YYYY-MM-DD``, enums as their symbol, optional
  fields as ``null`` or left out. Fields the schema does not have are refused.
* ``specversion``, ``type``, ``source``, ``id`` and ``data`` are required; ``time``
  (default: arrival), ``subject`` (must equal the event's key field), ``dataschema``
  (to write an older schema version of the type), ``traceparent`` and string, integer or
  boolean extension attributes are optional.
* ``id`` identifies the event: give a retry the same id. Consumers dedupe on it.
* Signature: ``HMAC-SHA256(secret, f"{timestamp}.".encode() + body)`` over the exact body
  bytes sent, hex-encoded. The timestamp must be within ``tolerance_seconds`` of the
  server's clock; the same signature is accepted once.

Answers
=======

* ``202 Accepted`` (``{"status": "accepted", "id", "type", "subject"}``): Kafka has
  acknowledged the event on every in-sync replica.
* Problem documents (RFC 9457, ``application/problem+json``: ``type``, ``title``,
  ``status``, ``detail``, ``instance``; ``field`` and ``pointer`` for validation):
  400 not JSON; 401 unsigned, bad signature, stale timestamp; 403 type not accepted
  here; 409 replayed request or event id already accepted; 413 body too large; 415 not
  ``application/cloudevents+json``; 422 unknown type or data that does not fit the schema;
  503 Kafka did not acknowledge (``Retry-After``): nothing was stored, send it again.
* Signed JSON bodies refused with 403 or 422 also go to the dead-letter topic
  ``<prefix>.deadletter.<connector name>`` with the reason, keyed by the event id.
"""

from __future__ import annotations

from connectors.webhook.config import WebhookConfig
from connectors.webhook.source import WebhookSource
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="webhook",
    kind="source",
    summary="Signed CloudEvents JSON POSTed by the e-services portal -> catalog events",
    config_model=WebhookConfig,
    factory=WebhookSource,
    positioned=False,
)
