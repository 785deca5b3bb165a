"""The event: CloudEvents 1.0 envelope attributes around Avro data.

``type`` names the event and its major version (``se.kommun.hub.permit.PermitGranted.v1``);
``dataschema`` names the exact schema version ``data`` follows (the latest of the type's
major when left out). ``subject`` is the value of the event's key field: the encoder fills
it in. ``source`` names municipality and sending system, see ``source_uri``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple, Self

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


class _Attributes(NamedTuple):
    type: str
    source: str
    data: Mapping[str, Any]
    id: str
    time: datetime
    subject: str | None
    dataschema: str | None
    traceparent: str | None
    extensions: Mapping[str, str]


class Event(_Attributes):
    """One event: what happened (``type``, ``data``), where, when, and about what.

    An immutable named tuple of its attributes, like a consumed Kafka record: decoders make
    one per record, so it must be cheap to make. ``id`` defaults to a new UUID and ``time``
    to now; every attribute is checked.
    """

    __slots__ = ()

    def __new__(
        cls,
        type: str,
        source: str,
        data: Mapping[str, Any],
        id: str | None = None,
        time: datetime | None = None,
        subject: str | None = None,
        dataschema: str | None = None,
        traceparent: str | None = None,
        extensions: Mapping[str, str] | None = None,
    ) -> Event:
        id = new_id() if id is None else id
        time = now() if time is None else time
        for name, value in (("type", type), ("source", source), ("id", id)):
            if not isinstance(value, str) or not value:
                raise InvalidEvent(name, f"must be a non-empty string, not {value!r}")
        if not isinstance(time, datetime) or time.utcoffset() is None:
            raise InvalidEvent("time", f"must be a timezone-aware datetime, not {time!r}")
        if subject is not None and (not isinstance(subject, str) or not subject):
            raise InvalidEvent("subject", "must be a non-empty string when given")
        if traceparent is not None and not TRACEPARENT_FORMAT.fullmatch(traceparent):
            raise InvalidEvent(
                "traceparent", f"{traceparent!r} is not a W3C traceparent (00-<32>-<16>-<2>)"
            )
        if extensions:
            check_extensions(extensions)
        return _new(
            cls,
            (
                type,
                source,
                data,
                id,
                time,
                subject,
                dataschema,
                traceparent,
                NO_EXTENSIONS if extensions is None else extensions,
            ),
        )

    def replace(self, **changes: Any) -> Event:
        """This event with some attributes changed, all checked again."""
        return Event(**(self._asdict() | changes))

    _replace = replace  # the named tuple's own would not check

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]
        """An event from its attributes in order, checked as Event(...) checks them."""
        return cls(*iterable)


_new = tuple.__new__


class _NoExtensions(Mapping[str, str]):
    """An event's extensions when it has none: empty, unchangeable, and pickled as itself
    (events go to worker processes)."""

    __slots__ = ()

    def __getitem__(self, name: str) -> str:
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NO_EXTENSIONS"


NO_EXTENSIONS: Mapping[str, str] = _NoExtensions()


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
    """An ``Event`` from attributes already checked (by a decoder, or taken from another
    event), without checking them again."""
    return _new(Event, (type, source, data, id, time, subject, dataschema, traceparent, extensions))
