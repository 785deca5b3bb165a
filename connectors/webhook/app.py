"""The webhook's HTTP side: a Starlette app with one POST route.

A request goes through, in order: media type (415), size (413), signature (401),
replay (409), JSON (400), envelope, type and schema (403, 422), duplicate event id
(409), and publishing, which returns only once Kafka acknowledged (202) or failed
(503). A body that was signed and is JSON but invalid also goes to the connector's
dead-letter topic, keyed by its event id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.webhook import problems as p
from connectors.webhook import signature as sig
from connectors.webhook.config import WebhookConfig
from connectors.webhook.intake import Intake
from connectors.webhook.replay import SeenCache
from hub.events import Event, EventError
from hub.sdk import DeadLetter, Publisher, TransientError

log = logging.getLogger(__name__)

MEDIA_TYPES = ("application/cloudevents+json", "application/json")
AUTHENTICATE = 'Signature realm="hub-webhook", headers="X-Hub-Timestamp X-Hub-Signature"'


class Webhook:
    """The handler: checks, caches and the publisher, shared by every request."""

    def __init__(
        self,
        config: WebhookConfig,
        intake: Intake,
        publisher: Publisher,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.intake = intake
        self.publisher = publisher
        self.clock = clock
        self.keys = config.keys()
        self.signatures = SeenCache(self.clock)
        self.event_ids = SeenCache(self.clock)

    async def receive(self, request: Request) -> Response:
        instance = f"urn:uuid:{uuid.uuid4()}"
        try:
            return await self._receive(request)
        except p.Problem as problem:
            # the detail may quote the caller's data (personal data): the logs get the field
            if problem.status >= 500:
                log.warning("%s %s: %s (%s)", problem.status, problem.kind.slug, problem, instance)
            else:
                where = f" at {problem.field}" if problem.field else ""
                log.info("%s %s%s (%s)", problem.status, problem.kind.slug, where, instance)
            return problem.response(instance)
        except ClientDisconnect:
            log.info("the client went away before sending the whole body (%s)", instance)
            return Response(status_code=400)
        except Exception as exc:
            log.exception("webhook request failed (%s)", instance)
            failure = p.Problem(p.INTERNAL, f"{type(exc).__name__}; quote {instance} to support")
            return failure.response(instance)

    async def _receive(self, request: Request) -> Response:
        _check_media_type(request.headers.get("content-type"))
        body = await _read_body(request, self.config.max_body_bytes)
        now = self.clock()
        signed = self._verify(request, body, now)
        tolerance = self.config.tolerance_seconds
        if not self.signatures.add(signed.signature, until=signed.timestamp + tolerance + 1):
            raise p.Problem(
                p.REPLAYED,
                "this timestamp and signature were already received: sign each new "
                "attempt with the current time",
            )
        parsed = self.intake.parse(body)
        try:
            event = self.intake.event(parsed, dt.datetime.fromtimestamp(now, dt.UTC))
        except p.Problem as problem:
            if problem.kind.dead_letter:
                await self._dead_letter(body, parsed, problem, signed.signature)
            raise
        if not self.event_ids.add(_identity(event), until=now + tolerance):
            raise p.Problem(
                p.DUPLICATE,
                f"event {event.id} from {event.source} was already accepted within the last "
                f"{tolerance} s and is not published again",
                field="id",
                pointer="/id",
            )
        await self._publish(event, body, signed.signature)
        return JSONResponse(
            {"status": "accepted", "id": event.id, "type": event.type, "subject": event.subject},
            status_code=202,
        )

    def _verify(self, request: Request, body: bytes, now: float) -> sig.Signed:
        tolerance = self.config.tolerance_seconds
        headers = {"WWW-Authenticate": AUTHENTICATE}
        try:
            return sig.verify(request.headers, body, keys=self.keys, now=now, tolerance=tolerance)
        except sig.Unsigned as exc:
            raise p.Problem(p.UNSIGNED, str(exc), headers=headers) from None
        except sig.BadSignature as exc:
            raise p.Problem(p.BAD_SIGNATURE, str(exc), headers=headers) from None
        except sig.StaleTimestamp as exc:
            raise p.Problem(
                p.STALE, str(exc), headers=headers, extra={"skewSeconds": exc.skew}
            ) from None

    async def _publish(self, event: Event, body: bytes, signature: str) -> None:
        try:
            await run_in_threadpool(self.publisher.publish, [event])
        except TransientError as exc:
            self.event_ids.forget(_identity(event))
            self.signatures.forget(signature)  # nothing was stored: the same request may retry
            raise self._unavailable(exc) from None
        except EventError as exc:
            self.event_ids.forget(_identity(event))
            problem = p.Problem(p.INVALID, f"the event does not fit its schema: {exc}")
            await self._dead_letter(body, {"id": event.id}, problem, signature)
            raise problem from None

    async def _dead_letter(
        self, body: bytes, parsed: Any, problem: p.Problem, signature: str
    ) -> None:
        letter = DeadLetter(
            key=_event_id(parsed) or f"sha256:{hashlib.sha256(body).hexdigest()}",
            reason=f"{problem.kind.slug}: {problem.detail}",
            payload=body,
            error_class=problem.kind.error_class,
        )
        try:
            await run_in_threadpool(self.publisher.publish, [], [letter])
        except TransientError as exc:
            self.signatures.forget(signature)
            raise self._unavailable(exc) from None

    def _unavailable(self, exc: TransientError) -> p.Problem:
        retry = int(exc.retry_after or self.config.retry_after_seconds)
        return p.Problem(
            p.KAFKA_DOWN,
            f"Kafka did not acknowledge, so nothing was stored; send the request again "
            f"(newly signed) after {retry} s",
            headers={"Retry-After": str(retry)},
        )


def webhook_app(webhook: Webhook) -> Starlette:
    """The ASGI app: POST ``config.path``; every other request gets a problem document."""

    async def http_problem(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        kind = {404: p.NOT_FOUND, 405: p.METHOD}.get(status, p.INTERNAL)
        headers = {"Allow": "POST"} if status == 405 else {}
        detail = f"{request.method} {request.url.path}: post events to {webhook.config.path}"
        return p.Problem(kind, detail, headers=headers).response(f"urn:uuid:{uuid.uuid4()}")

    return Starlette(
        routes=[Route(webhook.config.path, webhook.receive, methods=["POST"])],
        exception_handlers={HTTPException: http_problem},
    )


def _check_media_type(header: str | None) -> None:
    media, _, params = (header or "").partition(";")
    media = media.strip().lower()
    if media not in MEDIA_TYPES:
        hint = (
            "post one event per request"
            if media == "application/cloudevents-batch+json"
            else "send one CloudEvent as application/cloudevents+json"
        )
        raise p.Problem(p.MEDIA, f"Content-Type {header or 'missing'!s}: {hint}")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise p.Problem(p.MEDIA, f"Content-Type {header}: the body must be UTF-8")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        digits = declared.strip()
        if not digits.isascii() or not digits.isdigit():
            raise p.Problem(p.BAD_LENGTH, f"Content-Length {declared[:40]!r} is not a number")
        if len(digits) > 18 or int(digits) > limit:
            raise _too_large(digits[:40], limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(f"at least {size}", limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: str, limit: int) -> p.Problem:
    return p.Problem(
        p.TOO_LARGE,
        f"the body is {size} bytes; at most {limit} are accepted: put large "
        "attachments in the portal's file store and send their URI",
        extra={"maxBytes": limit},
    )


def _event_id(parsed: Any) -> str | None:
    ident = parsed.get("id") if isinstance(parsed, dict) else None
    return ident if isinstance(ident, str) and ident else None


def _identity(event: Event) -> str:
    """What makes an event unique in CloudEvents: its id within its source."""
    return f"{event.source} {event.id}"
