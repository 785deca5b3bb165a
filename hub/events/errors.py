"""One error tree for events: each says what is wrong, where, and what to do about it.

``EventError`` is the root, so a consumer can dead-letter any record the hub cannot turn
into an event with one ``except``. ``WireError`` narrows that to records that are not
valid hub events on the wire (headers, marker, fingerprint, body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class EventError(Exception):
    """Base of every error raised by ``hub.events``."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalog: ``where`` is a file or an event, relative to its root."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CatalogError(EventError):
    """The schema catalog cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, root: Path, problems: Sequence[Problem]) -> None:
        self.root = root
        self.problems = tuple(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"the event catalog in {root} is broken ({len(self.problems)} problem(s)):\n"
            f"{listing}\n  fix: correct the files named above; `hub schemas check` re-checks"
        )


class UnknownEventType(EventError):
    """An event type, schema version or data schema the catalog does not have."""

    def __init__(self, what: str, hint: str = "") -> None:
        self.what = what
        message = f"the catalog has no {what}"
        super().__init__(f"{message}; {hint}" if hint else message)


class InvalidEvent(EventError, ValueError):
    """An envelope attribute of an ``Event`` is not valid CloudEvents (or not what we send)."""

    def __init__(self, attribute: str, reason: str) -> None:
        self.attribute = attribute
        self.reason = reason
        super().__init__(f"event attribute {attribute!r}: {reason}")


class SchemaMismatch(EventError):
    """Event data that does not fit its Avro schema; ``field`` is the dotted path, if known."""

    def __init__(self, event: str, field: str | None, reason: str) -> None:
        self.event = event
        self.field = field
        self.reason = reason
        where = f"field {field!r}" if field else "the data"
        super().__init__(f"{event}: {where} does not match the schema: {reason}")


class WireError(EventError):
    """A Kafka record that is not a valid hub event on the wire (see docs/wire-format.md)."""


class MissingHeader(WireError):
    """A required CloudEvents header is absent from the record."""

    def __init__(self, header: str) -> None:
        self.header = header
        super().__init__(
            f"the record has no {header!r} header: hub events carry CloudEvents attributes "
            "as ce_* headers (binary content mode); was it produced by the hub's encoder?"
        )


class MalformedHeader(WireError):
    """A header is present but its value is not valid."""

    def __init__(self, header: str, value: bytes | str | None, reason: str) -> None:
        self.header = header
        self.value = value
        self.reason = reason
        super().__init__(f"header {header!r} = {value!r}: {reason}")


class BadMarker(WireError):
    """The value does not start with the Avro single-object marker ``C3 01``."""

    def __init__(self, found: bytes) -> None:
        self.found = found
        hint = ""
        if found[:1] == b"\x00":
            hint = " (it looks like the Confluent wire format: magic byte 0 and a registry id)"
        super().__init__(
            f"the value starts with {found.hex(' ').upper() or 'nothing'}, not the Avro "
            f"single-object marker C3 01{hint}: this is not a hub event"
        )


class UnknownFingerprint(WireError):
    """The value's writer-schema fingerprint is not in the catalog."""

    def __init__(self, fingerprint: int) -> None:
        self.fingerprint = fingerprint
        wire = fingerprint.to_bytes(8, "little").hex(" ").upper()
        super().__init__(
            f"no schema in the catalog has fingerprint 0x{fingerprint:016x} (bytes {wire}): "
            "the producer wrote with a schema this catalog lacks; update the catalog (schemas/)"
        )


class MalformedBody(WireError):
    """The Avro body after the single-object header cannot be read with the writer schema."""

    def __init__(self, event: str, reason: str) -> None:
        self.event = event
        self.reason = reason
        super().__init__(f"{event}: the Avro body is malformed: {reason}")


class TruncatedBody(MalformedBody):
    """The value ends before the single-object header or the Avro body is complete."""
