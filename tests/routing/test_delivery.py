"""A delivery's payload built on first use, once, and otherwise a plain immutable value."""

from __future__ import annotations

import pytest

from hub.events import Catalog
from hub.routing.types import Delivery
from tests.factories import case_opened


def test_a_deferred_payload_is_built_once_when_first_asked_for(catalog: Catalog) -> None:
    event = case_opened(1)
    built: list[int] = []

    def build() -> dict[str, object]:
        built.append(1)
        return {"caseNumber": event.subject}

    delivery = Delivery.deferred(event.id, event.subject, build, event, "r")
    assert built == []
    assert delivery.payload == {"caseNumber": event.subject}
    assert delivery.payload is delivery.payload
    assert built == [1]
    assert delivery == Delivery(event.id, event.subject, {"caseNumber": event.subject}, event, "r")


def test_a_delivery_cannot_be_changed(catalog: Catalog) -> None:
    event = case_opened(1)
    delivery = Delivery(id=event.id, key=None, payload={}, event=event, route="r")
    with pytest.raises(AttributeError):
        delivery.key = "x"  # type: ignore[misc]
    assert delivery.headers == {}
    assert "route='r'" in repr(delivery)
