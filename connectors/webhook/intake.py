"""From a signed request body to an event: JSON, envelope, type, schema and the checks.

Everything here is pure (no I/O): each refusal is a :class:`Problem` saying what was
wrong and where, so the handler only has to answer it (and dead-letter the body when
the problem's kind says so).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from connectors.webhook import problems as p
from connectors.webhook.envelope import Envelope, read_envelope
from hub.events import Catalog, Event, EventSchema, InvalidEvent, UnknownEventType
from hub.events.jsonvalues import InvalidValue, to_avro


class Intake:
    """Turns request bodies into events of the catalog's types (optionally only some)."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        event_types: Iterable[str] | None = None,
        municipality_code: str | None = None,
    ) -> None:
        """Raises ``ValueError`` for an ``event_types`` entry the catalog does not have."""
        self.catalog = catalog
        self.municipality_code = municipality_code
        known = {schema.type for schema in catalog}
        self.allowed: frozenset[str] | None = None
        if event_types is not None:
            self.allowed = frozenset(event_types)
            unknown = sorted(self.allowed - known)
            if unknown:
                raise ValueError(
                    f"event_types: the catalog in {catalog.root} has no type "
                    f"{', '.join(unknown)}; it has {', '.join(sorted(known))}"
                )

    def parse(self, body: bytes) -> Any:
        """The body as JSON (UTF-8, no NaN or Infinity); ``Problem`` MALFORMED if it is not."""
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        except UnicodeDecodeError as exc:
            raise p.Problem(p.MALFORMED, f"the body is not UTF-8 text: {exc.reason}") from None
        except (ValueError, RecursionError) as exc:
            raise p.Problem(p.MALFORMED, f"the body is not JSON: {exc}") from None

    def event(self, body: Any, received: dt.datetime) -> Event:
        """The event a parsed body describes; ``received`` is its time if it names none."""
        try:
            envelope = read_envelope(body)
        except InvalidValue as exc:
            raise _invalid(exc) from None
        schema = self._schema(envelope)
        try:
            data = to_avro(schema.parsed, envelope.data, ("data",))
        except InvalidValue as exc:
            raise _invalid(exc, schema) from None
        key = self._check_key(schema, data, envelope)
        self._check_municipality(data)
        try:
            return Event(
                type=schema.type,
                source=envelope.source,
                data=data,
                id=envelope.id,
                time=envelope.time or received,
                subject=key,
                dataschema=schema.dataschema,
                traceparent=envelope.traceparent,
                extensions=envelope.extensions or {},
            )
        except InvalidEvent as exc:
            raise _invalid(InvalidValue((exc.attribute,), exc.reason)) from None

    def _schema(self, envelope: Envelope) -> EventSchema:
        ce_type = envelope.type
        try:
            schema = self.catalog.by_type(ce_type)
        except UnknownEventType:
            raise p.Problem(
                p.UNKNOWN_TYPE,
                f"the catalog has no event type {ce_type!r}{self._hint(ce_type)}",
                field="type",
                pointer="/type",
            ) from None
        if self.allowed is not None and ce_type not in self.allowed:
            raise p.Problem(
                p.NOT_ALLOWED,
                f"{ce_type} is not accepted at this endpoint; it takes "
                f"{', '.join(sorted(self.allowed)) or 'no types'}",
                field="type",
                pointer="/type",
            )
        if envelope.dataschema is None:
            return schema
        try:
            pinned = self.catalog.by_dataschema(envelope.dataschema)
        except UnknownEventType as exc:
            raise _invalid(InvalidValue(("dataschema",), str(exc))) from None
        if pinned.type != ce_type:
            reason = f"{envelope.dataschema} is a schema of {pinned.type}, not of {ce_type}"
            raise _invalid(InvalidValue(("dataschema",), reason))
        return pinned

    def _hint(self, ce_type: str) -> str:
        for schema in self.catalog:
            if ce_type in (schema.name, schema.full_name, schema.event):
                return f" (did you mean {schema.type!r}?)"
        return "; types look like se.kommun.hub.<domain>.<Event>.v<major>"

    @staticmethod
    def _check_key(schema: EventSchema, data: dict[str, Any], envelope: Envelope) -> str:
        """The event's key (its subject), checked against the envelope's subject."""
        key = data.get(schema.key_field)
        path = ("data", schema.key_field)
        if not isinstance(key, str) or not key:
            raise _invalid(InvalidValue(path, "the event's key must be a non-empty string"), schema)
        if envelope.subject is not None and envelope.subject != key:
            reason = f"{envelope.subject!r} differs from the key data.{schema.key_field} {key!r}"
            raise _invalid(InvalidValue(("subject",), reason), schema)
        return key

    def _check_municipality(self, data: dict[str, Any]) -> None:
        municipality = data.get("municipality")
        if self.municipality_code is None or not isinstance(municipality, dict):
            return
        code = municipality.get("code")
        if code != self.municipality_code:
            raise _invalid(
                InvalidValue(
                    ("data", "municipality", "code"),
                    f"this endpoint takes events of municipality {self.municipality_code}, "
                    f"not {code!r}",
                )
            )


def _invalid(exc: InvalidValue, schema: EventSchema | None = None) -> p.Problem:
    where = exc.field or "the body"
    what = f"; schema {schema.event} v{schema.version}" if schema is not None else ""
    return p.Problem(
        p.INVALID,
        f"{where}: {exc.reason}{what}",
        field=exc.field or None,
        pointer=exc.pointer,
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
