"""The http sink against a real HTTP server (Starlette on uvicorn, on a thread)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Iterator
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from connectors.http_sink.config import HttpSinkConfig
from connectors.http_sink.connector import connector
from connectors.http_sink.sink import HttpSink
from hub.routing.types import PermanentError
from hub.runtime.server import ThreadedServer
from hub.sdk import TransientError
from tests.connectors.deliveries import context, delivery


class Department:
    """A department's API: records what it receives, answers as each path says."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], Any]] = []
        self.seen_keys: set[str] = set()
        self.app = Starlette(
            routes=[
                Route("/events", self.events, methods=["POST"]),
                Route("/fail", lambda r: PlainTextResponse("database down", 500), methods=["POST"]),
                Route("/busy", self.busy, methods=["POST"]),
                Route("/maintenance", self.maintenance, methods=["POST"]),
                Route("/invalid", self.invalid, methods=["POST"]),
                Route("/slow", self.slow, methods=["POST"]),
                Route("/moved", self.moved, methods=["POST"]),
            ]
        )

    async def events(self, request: Request) -> Response:
        key = request.headers.get("idempotency-key", "")
        if key in self.seen_keys:
            return JSONResponse({"error": "duplicate"}, 409)
        self.seen_keys.add(key)
        self.received.append((dict(request.headers), await request.json()))
        return JSONResponse({"status": "created"}, 201)

    async def busy(self, request: Request) -> Response:
        return PlainTextResponse("slow down", 429, headers={"Retry-After": "2"})

    async def maintenance(self, request: Request) -> Response:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        return Response(status_code=503, headers={"Retry-After": format_datetime(later, True)})

    async def invalid(self, request: Request) -> Response:
        body = {"error": "caseNumber missing", "detail": "x" * 500}
        return JSONResponse(body, 400)

    async def slow(self, request: Request) -> Response:
        await asyncio.sleep(1.0)
        return Response(status_code=204)

    async def moved(self, request: Request) -> Response:
        return Response(status_code=308, headers={"Location": "/events"})


@pytest.fixture(scope="module")
def department() -> Iterator[tuple[Department, str]]:
    dept = Department()
    server = ThreadedServer(dept.app, "127.0.0.1", 0, name="department")
    server.start()
    try:
        yield dept, server.url
    finally:
        server.stop()


def open_sink(url: str, **config: Any) -> HttpSink:
    sink = connector.build(HttpSinkConfig.model_validate({"url": url, **config}))
    assert isinstance(sink, HttpSink)
    sink.open(context())
    return sink


PAYLOAD = {"permitId": "BN 2026/00042", "decision": "GRANTED", "applicant": "Åsa Öberg"}


def test_a_delivery_is_posted_as_json_with_its_event_id_as_idempotency_key(
    department: tuple[Department, str],
) -> None:
    dept, base = department
    sink = open_sink(
        base + "/events",
        headers={"X-Municipality": "2480"},
        token="s3cret-token",
    )
    d = delivery(PAYLOAD)
    try:
        sink.deliver(d)
    finally:
        sink.close()
    headers, body = next((h, b) for h, b in dept.received if h["idempotency-key"] == d.id)
    assert body == PAYLOAD
    assert headers["content-type"] == "application/json"
    assert headers["authorization"] == "Bearer s3cret-token"
    assert headers["x-municipality"] == "2480"


def test_a_repeated_delivery_can_count_as_delivered_when_the_api_says_conflict(
    department: tuple[Department, str],
) -> None:
    dept, base = department
    d = delivery(PAYLOAD)
    strict = open_sink(base + "/events")
    lenient = open_sink(base + "/events", accept_statuses=[409])
    try:
        strict.deliver(d)
        with pytest.raises(PermanentError, match="409"):
            strict.deliver(d)
        lenient.deliver(d)
    finally:
        strict.close()
        lenient.close()
    assert sum(h["idempotency-key"] == d.id for h, _ in dept.received) == 1


def test_a_server_error_is_retried(department: tuple[Department, str]) -> None:
    sink = open_sink(department[1] + "/fail")
    with pytest.raises(TransientError, match="500 Internal Server Error: database down") as err:
        sink.deliver(delivery(PAYLOAD))
    sink.close()
    assert err.value.retry_after is None


def test_too_many_requests_is_retried_after_retry_after_seconds(
    department: tuple[Department, str],
) -> None:
    sink = open_sink(department[1] + "/busy")
    with pytest.raises(TransientError, match="429") as err:
        sink.deliver(delivery(PAYLOAD))
    sink.close()
    assert err.value.retry_after == 2


def test_unavailable_with_an_http_date_is_retried_after_that_time(
    department: tuple[Department, str],
) -> None:
    sink = open_sink(department[1] + "/maintenance")
    with pytest.raises(TransientError, match="503") as err:
        sink.deliver(delivery(PAYLOAD))
    sink.close()
    assert err.value.retry_after is not None
    assert 25 <= err.value.retry_after <= 31


def test_a_client_error_is_permanent_with_status_and_an_excerpt(
    department: tuple[Department, str],
) -> None:
    sink = open_sink(department[1] + "/invalid")
    with pytest.raises(PermanentError) as err:
        sink.deliver(delivery(PAYLOAD))
    sink.close()
    message = str(err.value)
    assert "/invalid answered 400 Bad Request" in message
    assert "caseNumber missing" in message
    assert len(message) < 400


def test_a_redirect_is_permanent_and_names_the_new_location(
    department: tuple[Department, str],
) -> None:
    sink = open_sink(department[1] + "/moved")
    with pytest.raises(PermanentError, match=r"308.*point url at /events"):
        sink.deliver(delivery(PAYLOAD))
    sink.close()


def test_no_answer_in_time_is_retried(department: tuple[Department, str]) -> None:
    sink = open_sink(department[1] + "/slow", timeout=0.2)
    with pytest.raises(TransientError, match=r"no answer within 0\.2 s"):
        sink.deliver(delivery(PAYLOAD))
    sink.close()


def test_connection_refused_is_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = open_sink(f"http://127.0.0.1:{port}/events")
    with pytest.raises(TransientError, match=f"POST http://127.0.0.1:{port}/events"):
        sink.deliver(delivery(PAYLOAD))
    sink.close()


def test_dates_and_decimals_in_the_payload_become_json_text(
    department: tuple[Department, str],
) -> None:
    dept, base = department
    sink = open_sink(base + "/events")
    d = delivery({"decidedAt": dt.date(2026, 11, 27), "fee": Decimal("1250.50")})
    sink.deliver(d)
    sink.close()
    body = next(b for h, b in dept.received if h["idempotency-key"] == d.id)
    assert body == {"decidedAt": "2026-11-27", "fee": "1250.50"}


def test_a_payload_that_is_not_json_is_permanent(department: tuple[Department, str]) -> None:
    sink = open_sink(department[1] + "/events")
    with pytest.raises(PermanentError, match="not JSON"):
        sink.deliver(delivery({"blob": object()}))
    sink.close()
