"""What the three department systems share: a Starlette app on a loopback port whose
POST endpoints take the hub's JSON deliveries.

A handler gets the ``Idempotency-Key`` (the event id) and the JSON body, runs on a worker
thread (it talks to its database), and returns a status and a JSON answer. It raises
:class:`Unavailable` for "not now" (503 with ``Retry-After``: the route retries) and
:class:`Refused` for "never" (422: the route dead-letters the event).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.runtime.server import ThreadedServer

log = logging.getLogger(__name__)

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[str, dict[str, Any]], Answer]


class Unavailable(Exception):
    """The service cannot take this delivery now; the sender should retry."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(Exception):
    """The delivery can never be taken as it is."""


def post(path: str, handle: Handler) -> Route:
    """A POST route that hands ``(Idempotency-Key, JSON body)`` to ``handle``."""

    async def endpoint(request: Request) -> Response:
        key = request.headers.get("idempotency-key", "")
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise Refused("the body is not a JSON object")
            status, answer = await run_in_threadpool(handle, key, body)
        except Unavailable as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return JSONResponse({"error": str(exc)}, status_code=503, headers=headers)
        except (Refused, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        except Exception as exc:
            log.exception("%s failed", path)
            return JSONResponse({"error": type(exc).__name__}, status_code=500)
        return JSONResponse(answer, status_code=status)

    return Route(path, endpoint, methods=["POST"])


def get(path: str, answer: Callable[[Request], Awaitable[Response]]) -> Route:
    return Route(path, answer, methods=["GET"])


class Service:
    """One department's HTTP server on ``127.0.0.1`` (a free port)."""

    def __init__(self, name: str, routes: list[Route]) -> None:
        self.name = name
        self.server = ThreadedServer(Starlette(routes=routes), "127.0.0.1", 0, name=name)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
