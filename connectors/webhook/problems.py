"""Answers to bad requests as RFC 9457 problem documents (``application/problem+json``).

Every refusal is a :class:`Problem` raised by the handler: its ``kind`` fixes the HTTP
status, the ``type`` URI and the title; ``detail`` says what was wrong and what to do.
Validation problems add ``field`` (the offending field's path, ``attachments[0].sizeBytes``)
and ``pointer`` (an RFC 6901 JSON Pointer into the request body, ``/data/attachments/0``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:municipal-event-hub:problems:webhook:"


@dataclass(frozen=True)
class ProblemKind:
    """One kind of refusal: its status, slug (the end of its ``type`` URI) and title."""

    status: int
    slug: str
    title: str
    dead_letter: bool = False
    """Whether the signed body goes to the dead-letter topic (it was JSON but invalid)."""

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug

    @property
    def error_class(self) -> str:
        """The slug in CamelCase (``InvalidEvent``): a dead letter's error class."""
        return "".join(part.capitalize() for part in self.slug.split("-"))


UNSIGNED = ProblemKind(401, "unsigned", "The request is not signed")
BAD_SIGNATURE = ProblemKind(401, "bad-signature", "The signature does not match")
STALE = ProblemKind(401, "stale-request", "The request's timestamp is outside the window")
REPLAYED = ProblemKind(409, "replayed-request", "This exact request was already received")
DUPLICATE = ProblemKind(409, "duplicate-event", "An event with this id was already accepted")
TOO_LARGE = ProblemKind(413, "body-too-large", "The request body is too large")
BAD_LENGTH = ProblemKind(400, "bad-content-length", "The Content-Length header is not valid")
MEDIA = ProblemKind(415, "unsupported-media-type", "The body is not CloudEvents JSON")
MALFORMED = ProblemKind(400, "malformed-json", "The body is not valid JSON")
NOT_ALLOWED = ProblemKind(403, "event-type-not-allowed", "This endpoint does not take the type")
UNKNOWN_TYPE = ProblemKind(422, "unknown-event-type", "The event type is not in the catalog", True)
INVALID = ProblemKind(422, "invalid-event", "The event is not valid", True)
KAFKA_DOWN = ProblemKind(503, "kafka-unavailable", "The event could not be stored; try again")
NOT_FOUND = ProblemKind(404, "not-found", "Nothing is served at this path")
METHOD = ProblemKind(405, "method-not-allowed", "Only POST is accepted here")
INTERNAL = ProblemKind(500, "internal-error", "The event hub failed to handle the request")


class Problem(Exception):
    """A refusal, raised anywhere in the handler and answered as a problem document."""

    def __init__(
        self,
        kind: ProblemKind,
        detail: str,
        *,
        field: str | None = None,
        pointer: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.field = field
        self.pointer = pointer
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        """More members of the document (``symbols``, ...)."""

    @property
    def status(self) -> int:
        return self.kind.status

    def document(self, instance: str) -> dict[str, Any]:
        """The problem document; ``instance`` identifies this occurrence (for the logs)."""
        doc: dict[str, Any] = {
            "type": self.kind.type,
            "title": self.kind.title,
            "status": self.kind.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.field is not None:
            doc["field"] = self.field
        if self.pointer is not None:
            doc["pointer"] = self.pointer
        doc.update(self.extra)
        return doc

    def response(self, instance: str) -> Response:
        body = json.dumps(self.document(instance), ensure_ascii=False).encode()
        return Response(body, self.kind.status, dict(self.headers), media_type=MEDIA_TYPE)
