"""The event catalog: every version of every event schema, looked up by what the wire carries.

Layout on disk (see ``schemas/README.md``)::

    schemas/<domain>/<Event>/event.yaml   key field, compatibility mode, majors
    schemas/<domain>/<Event>/v1.avsc      the first schema version, v2.avsc the next, ...

Conventions derived from the layout:

* record full name ``se.kommun.hub.<domain>.<Event>``;
* CloudEvents type ``se.kommun.hub.<domain>.<Event>.v<major>``: the major version changes
  only at a declared breaking change, so compatible revisions keep the type;
* topic ``<prefix>.<domain>`` (prefix ``municipal`` unless the caller says otherwise);
* data schema URI ``urn:municipal-event-hub:schemas:<domain>/<Event>/v<version>.avsc``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.events.compat import Compatibility
from hub.events.errors import UnknownEventType, UnknownFingerprint
from hub.events.rules import PersonalField

TYPE_PREFIX = "se.kommun.hub"
DEFAULT_TOPIC_PREFIX = "municipal"
DATASCHEMA_PREFIX = "urn:municipal-event-hub:schemas:"


class EventMetadata(BaseModel):
    """``event.yaml``: what the catalog knows of an event beyond its Avro schemas."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(
        description="Top-level string field whose value is the Kafka record key and the "
        "CloudEvents subject, so one subject's events keep their order."
    )
    compatibility: Compatibility = Field(
        Compatibility.FULL_TRANSITIVE,
        description="Which versions must read which: checked by `hub schemas check`.",
    )
    majors: dict[int, int] = Field(
        default_factory=lambda: {1: 1},
        description="Major version -> first schema version of that major. A new major is a "
        "declared breaking change: compatibility is checked only within a major.",
    )

    @field_validator("majors")
    @classmethod
    def _majors_in_order(cls, majors: dict[int, int]) -> dict[int, int]:
        items = sorted(majors.items())
        if not items or items[0] != (1, 1):
            raise ValueError("major 1 must start at schema version 1 (1: 1)")
        for (major, first), (next_major, next_first) in pairwise(items):
            if next_major != major + 1 or next_first <= first:
                raise ValueError("majors must count up from 1, each starting at a later version")
        return dict(items)

    def major_of(self, version: int) -> int:
        return max(major for major, first in self.majors.items() if first <= version)


@dataclass(frozen=True, eq=False)
class EventSchema:
    """One version of one event's schema, with everything the codec and the docs need."""

    domain: str
    name: str
    version: int
    major: int
    key_field: str
    compatibility: Compatibility
    fingerprint: int
    path: Path
    schema: Mapping[str, Any]  # the .avsc as written
    parsed: dict[str, Any]  # fastavro's parsed form, for reading and writing
    avro: Any  # the avro package's parsed form, for compatibility checks
    personal_fields: tuple[PersonalField, ...]
    event: str = field(init=False)
    """``<domain>/<Event>``: the event's place in the catalog."""
    full_name: str = field(init=False)
    """The Avro record's full name, ``se.kommun.hub.<domain>.<Event>``."""
    type: str = field(init=False)
    """The CloudEvents ``type``: reverse-DNS name and major version."""
    dataschema: str = field(init=False)
    """The CloudEvents ``dataschema``: names this exact version's file in the catalog."""

    def __post_init__(self) -> None:
        full_name = f"{TYPE_PREFIX}.{self.domain}.{self.name}"
        derived = {
            "event": f"{self.domain}/{self.name}",
            "full_name": full_name,
            "type": f"{full_name}.v{self.major}",
            "dataschema": f"{DATASCHEMA_PREFIX}{self.domain}/{self.name}/v{self.version}.avsc",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def doc(self) -> str:
        return str(self.schema.get("doc", ""))

    def topic(self, prefix: str = DEFAULT_TOPIC_PREFIX) -> str:
        """The Kafka topic of the event's domain: ``<prefix>.<domain>``."""
        return f"{prefix}.{self.domain}"

    def __repr__(self) -> str:
        return f"<EventSchema {self.event} v{self.version} 0x{self.fingerprint:016x}>"


class Catalog:
    """Every schema version of every event, indexed for encoding and decoding."""

    def __init__(self, root: Path, schemas: Iterable[EventSchema]) -> None:
        """Index ``schemas`` as ``load`` checked them (unique names and fingerprints)."""
        self.root = root
        self._schemas = tuple(sorted(schemas, key=lambda s: (s.domain, s.name, s.version)))
        self._versions: dict[str, tuple[EventSchema, ...]] = {}
        for schema in self._schemas:
            self._versions[schema.name] = (*self._versions.get(schema.name, ()), schema)
        self._by_fingerprint = {s.fingerprint: s for s in self._schemas}
        self._by_dataschema = {s.dataschema: s for s in self._schemas}
        self._by_type = {s.type: s for s in self._schemas}  # sorted, so the latest wins

    @classmethod
    def load(cls, root: Path) -> Catalog:
        """Read a catalog folder; raises ``CatalogError`` naming every problem found."""
        from hub.events.loader import load_catalog

        return load_catalog(root)

    def __iter__(self) -> Iterator[EventSchema]:
        return iter(self._schemas)

    def __len__(self) -> int:
        return len(self._schemas)

    def names(self) -> tuple[str, ...]:
        """Event names (``PermitGranted``, ...), by domain then name."""
        return tuple(self._versions)

    def versions(self, name: str) -> tuple[EventSchema, ...]:
        """Every version of the event, oldest first."""
        try:
            return self._versions[name]
        except KeyError:
            raise UnknownEventType(f"event {name!r}", self._known()) from None

    def get(self, name: str, version: int | None = None) -> EventSchema:
        """One version of an event; the latest when ``version`` is None."""
        versions = self.versions(name)
        if version is None:
            return versions[-1]
        for schema in versions:
            if schema.version == version:
                return schema
        have = ", ".join(f"v{s.version}" for s in versions)
        raise UnknownEventType(f"version v{version} of {name}", f"it has {have}")

    def by_type(self, ce_type: str) -> EventSchema:
        """The latest schema version of a CloudEvents type (an event's major version)."""
        try:
            return self._by_type[ce_type]
        except KeyError:
            raise UnknownEventType(f"event type {ce_type!r}", self._known()) from None

    def by_fingerprint(self, fingerprint: int) -> EventSchema:
        try:
            return self._by_fingerprint[fingerprint]
        except KeyError:
            raise UnknownFingerprint(fingerprint) from None

    def by_dataschema(self, uri: str) -> EventSchema:
        try:
            return self._by_dataschema[uri]
        except KeyError:
            raise UnknownEventType(
                f"data schema {uri!r}", f"data schema URIs look like {DATASCHEMA_PREFIX}…"
            ) from None

    def _known(self) -> str:
        types = ", ".join(sorted(self._by_type)) or "none"
        return f"known types: {types}"
