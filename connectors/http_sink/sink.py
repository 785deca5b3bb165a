"""The ``http`` sink: one pooled httpx client per route, one POST per delivery."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import uuid
from decimal import Decimal
from typing import Any

import httpx

from connectors.http_sink.answers import check_answer
from connectors.http_sink.config import HttpSinkConfig
from hub.routing.types import Delivery, PermanentError, Sink, SinkContext
from hub.sdk import TransientError

USER_AGENT = "municipal-event-hub"


def _plain(value: Any) -> Any:
    """JSON for the values an event may carry beyond JSON's own."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"a {type(value).__name__} is not JSON")


def json_body(delivery: Delivery) -> bytes:
    try:
        text = json.dumps(delivery.payload, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError) as exc:
        raise PermanentError(f"event {delivery.id}: the payload is not JSON: {exc}") from exc
    return text.encode("utf-8")


class HttpSink(Sink):
    """POSTs ``delivery.payload`` to ``config.url`` with the event id as Idempotency-Key."""

    def __init__(self, config: HttpSinkConfig) -> None:
        self.config = config
        self._accept = frozenset(config.accept_statuses)
        self._client: httpx.Client | None = None

    def open(self, context: SinkContext) -> None:
        headers = {**self.config.headers, "User-Agent": USER_AGENT}
        if self.config.token is not None:
            headers["Authorization"] = f"Bearer {self.config.token.get_secret_value()}"
        verify: ssl.SSLContext | bool = True
        if self.config.ca_file is not None:
            verify = ssl.create_default_context(cafile=str(self.config.ca_file))
        self._client = httpx.Client(
            headers=headers,
            timeout=self.config.timeout,
            verify=verify,
            follow_redirects=False,
        )

    def deliver(self, delivery: Delivery) -> None:
        if self._client is None:
            raise RuntimeError("HttpSink.deliver before open()")
        headers = {"Content-Type": "application/json", "Idempotency-Key": delivery.id}
        if delivery.event.traceparent:
            headers["traceparent"] = delivery.event.traceparent
        url = self.config.url
        try:
            response = self._client.post(url, content=json_body(delivery), headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"POST {url}: no answer within {self.config.timeout:g} s ({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise TransientError(f"POST {url}: {reason}") from exc
        check_answer(response, self._accept)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
