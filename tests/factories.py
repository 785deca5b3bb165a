"""Valid event data for tests that need some events and don't care which."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.events import Event, source_uri

CASE_OPENED = "se.kommun.hub.registry.CaseOpened.v1"
UMEA = {"code": "2480", "organisationNumber": "212000-2627"}


def case_opened(number: int, *, key_space: int | None = None) -> Event:
    """A CaseOpened for case ``KS 2026/<n>``; ``key_space`` folds cases onto fewer keys."""
    case = number % key_space if key_space else number
    data: dict[str, Any] = {
        "caseNumber": f"KS 2026/{case:05d}",
        "municipality": UMEA,
        "openedAt": dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC),
        "registry": "KS",
        "caseType": "Medborgarförslag",
        "secrecy": "PUBLIC",
        "title": f"seq {number}",
    }
    return Event(type=CASE_OPENED, source=source_uri("2480", "diarium"), data=data)
