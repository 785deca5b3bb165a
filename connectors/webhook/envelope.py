"""The request body: one CloudEvent in the JSON event format (structured content mode).

::

    {
      "specversion": "1.0",
      "type": "se.kommun.hub.eservice.ApplicationSubmitted.v1",
      "source": "/kommun/2480/e-tjanster",
      "id": "9b2f0c4e-1d7a-4c55-9a43-0f3b8f1e2d11",
      "time": "2026-03-01T09:30:00Z",
      "subject": "ES-2026-004711",
      "data": { ... the event's fields as JSON ... }
    }

``specversion``, ``type``, ``source``, ``id`` and ``data`` are required; ``time`` (RFC 3339,
default: when the request arrived), ``subject`` (must equal the event's key field),
``dataschema`` (a catalog schema URI, to write an older version of the type),
``datacontenttype`` (``application/json`` if given) and ``traceparent`` are optional.
Any other attribute is a CloudEvents extension: a string, integer or boolean, carried to
Kafka as a ``ce_<name>`` header. An attribute given as ``null`` counts as absent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.events.jsonvalues import InvalidValue, rfc3339

SPECVERSION = "1.0"
_KNOWN = frozenset(
    {"specversion", "id", "source", "type", "time", "subject", "dataschema"}
    | {"datacontenttype", "traceparent", "data"}
)
_JSON_MEDIA = re.compile(r"application/([a-z0-9.+-]+\+)?json\s*(;.*)?", re.IGNORECASE)


@dataclass(frozen=True)
class Envelope:
    """The request's CloudEvents attributes, checked, and its data as parsed JSON."""

    id: str
    type: str
    source: str
    data: Any
    time: dt.datetime | None = None
    subject: str | None = None
    dataschema: str | None = None
    traceparent: str | None = None
    extensions: Mapping[str, str] | None = None


def read_envelope(body: Any) -> Envelope:
    """The envelope of a parsed JSON body; raise ``InvalidValue`` naming the attribute."""
    if not isinstance(body, dict):
        raise InvalidValue((), "the body must be a JSON object: one CloudEvent")
    attrs = {name: value for name, value in body.items() if value is not None}
    if "data_base64" in attrs:
        raise InvalidValue(
            ("data_base64",), "binary data is not accepted: send the event's fields in data"
        )
    spec = attrs.get("specversion")
    if spec != SPECVERSION:
        raise InvalidValue(("specversion",), f"must be {SPECVERSION!r}, not {spec!r}")
    content = attrs.get("datacontenttype")
    if content is not None and not (isinstance(content, str) and _JSON_MEDIA.fullmatch(content)):
        raise InvalidValue(("datacontenttype",), f"must be application/json, not {content!r}")
    if "data" not in attrs:
        raise InvalidValue(("data",), "required attribute is missing: the event's fields")
    return Envelope(
        id=_text(attrs, "id", required=True) or "",
        type=_text(attrs, "type", required=True) or "",
        source=_text(attrs, "source", required=True) or "",
        data=attrs["data"],
        time=_time(attrs.get("time")),
        subject=_text(attrs, "subject"),
        dataschema=_text(attrs, "dataschema"),
        traceparent=_text(attrs, "traceparent"),
        extensions={
            name: _extension(name, value) for name, value in attrs.items() if name not in _KNOWN
        },
    )


def _text(attrs: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = attrs.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        what = "a non-empty string" + (" (required)" if required else "")
        raise InvalidValue((name,), f"must be {what}, not {value!r}")
    return value


def _time(value: Any) -> dt.datetime | None:
    return None if value is None else rfc3339(value, ("time",))


def _extension(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    reason = f"extension attributes are strings, integers or booleans, not {value!r}"
    raise InvalidValue((name,), reason)
