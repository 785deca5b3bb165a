"""The event: CloudEvents 1.0 envelope attributes around Avro data.

``type`` names the event and its major version (``se.kommun.hub.permit.PermitGranted.v1``);
``dataschema`` names the exact schema version ``data`` follows (the latest of the type's
major when left out). ``subject`` is the value of the event's key field: the encoder fills
it in. ``source`` names municipality and sending system, see ``source_uri``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hub.events.errors import InvalidEvent

# Attributes with a fixed place in the envelope; anything else is an extension.
CONTEXT_ATTRIBUTES = frozenset(
    {"specversion", "id", "source", "type", "time", "subject", "dataschema", "datacontenttype"}
)
EXTENSION_NAME = re.compile(r"[a-z0-9]{1,20}")
TRACEPARENT_FORMAT = re.compile(
    r"(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}"
)
_SYSTEM = re.compile(r"[a-z0-9][a-z0-9-]*")


def new_id() -> str:
    """A fresh event id: a random UUID."""
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now(UTC)


def source_uri(municipality_code: str, system: str) -> str:
    """The hub's ``source`` convention: ``/kommun/<municipality code>/<system>``.

    >>> source_uri("2480", "bygglov")
    '/kommun/2480/bygglov'
    """
    if not (len(municipality_code) == 4 and municipality_code.isdigit()):
        raise InvalidEvent("source", f"municipality code {municipality_code!r} is not 4 digits")
    if not _SYSTEM.fullmatch(system):
        raise InvalidEvent("source", f"system {system!r}: use lower-case letters, digits, '-'")
    return f"/kommun/{municipality_code}/{system}"


@dataclass(frozen=True)
class Event:
    """One event: what happened (``type``, ``data``), where, when, and about what."""

    type: str
    source: str
    data: Mapping[str, Any]
    id: str = field(default_factory=new_id)
    time: datetime = field(default_factory=now)
    subject: str | None = None
    dataschema: str | None = None
    traceparent: str | None = None
    extensions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("type", "source", "id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InvalidEvent(name, f"must be a non-empty string, not {value!r}")
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise InvalidEvent("time", f"must be a timezone-aware datetime, not {self.time!r}")
        if self.subject is not None and (not isinstance(self.subject, str) or not self.subject):
            raise InvalidEvent("subject", "must be a non-empty string when given")
        if self.traceparent is not None and not TRACEPARENT_FORMAT.fullmatch(self.traceparent):
            raise InvalidEvent(
                "traceparent", f"{self.traceparent!r} is not a W3C traceparent (00-<32>-<16>-<2>)"
            )
        if self.extensions:
            check_extensions(self.extensions)


def check_extensions(extensions: Mapping[str, str]) -> None:
    """CloudEvents extension names: 1–20 of a–z and 0–9, not a context attribute's name."""
    for name, value in extensions.items():
        if not isinstance(name, str) or not EXTENSION_NAME.fullmatch(name):
            raise InvalidEvent(name, "extension names are 1–20 lower-case letters and digits")
        if name in CONTEXT_ATTRIBUTES or name == "data":
            raise InvalidEvent(name, "is a CloudEvents context attribute, not an extension")
        if not isinstance(value, str):
            raise InvalidEvent(name, f"extension values are strings here, not {value!r}")


def checked_event(
    type: str,
    source: str,
    data: Mapping[str, Any],
    id: str,
    time: datetime,
    subject: str | None,
    dataschema: str | None,
    traceparent: str | None,
    extensions: Mapping[str, str],
) -> Event:
    """An ``Event`` from attributes a decoder has already checked, without checking again.

    Decoding is hot, and ``Event.__post_init__`` would repeat the decoder's checks.
    """
    event: Event = object.__new__(Event)
    object.__setattr__(
        event,
        "__dict__",
        {
            "type": type,
            "source": source,
            "data": data,
            "id": id,
            "time": time,
            "subject": subject,
            "dataschema": dataschema,
            "traceparent": traceparent,
            "extensions": extensions,
        },
    )
    return event
