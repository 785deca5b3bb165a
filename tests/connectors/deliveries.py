"""Deliveries as a route hands them to a sink, for sink tests."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from hub.events import Event, source_uri
from hub.routing.types import Delivery, SinkContext

PERMIT_GRANTED = "se.kommun.hub.permit.PermitGranted.v1"


def delivery(
    payload: Mapping[str, Any],
    *,
    id: str | None = None,
    key: str | None = None,
    route: str = "under-test",
) -> Delivery:
    """A delivery of ``payload`` (the event's data is the payload itself)."""
    event = Event(
        type=PERMIT_GRANTED,
        source=source_uri("2480", "bygglov"),
        data=dict(payload),
        **({"id": id} if id else {}),
    )
    return Delivery(id=event.id, key=key, payload=payload, event=event, route=route)


def context(route: str = "under-test") -> SinkContext:
    return SinkContext(route=route)


def new_id() -> str:
    return str(uuid.uuid4())
