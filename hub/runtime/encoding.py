"""A readable form of events for dead letters."""

from __future__ import annotations

import json
from typing import Any

from hub.events import Event


def event_payload(event: Event) -> bytes:
    """The event as JSON (for a dead letter: what could not be encoded, readable)."""
    body: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "source": event.source,
        "subject": event.subject,
        "data": event.data,
    }
    return json.dumps(body, default=str, ensure_ascii=False).encode()
