"""A department's REST API, for route tests: keeps deliveries by Idempotency-Key.

It can answer 500 to a share of calls (before storing anything) or be down (503) for a
while, as real targets do.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.runtime.server import ThreadedServer


class Department:
    def __init__(self, fail_ratio: float = 0.0, seed: int = 1) -> None:
        self.fail_ratio = fail_ratio
        self.down = False
        self.received: dict[str, Any] = {}
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.server = ThreadedServer(
            Starlette(routes=[Route("/events", self._post, methods=["POST"])]), "127.0.0.1", 0
        )

    async def _post(self, request: Request) -> Response:
        key = request.headers.get("idempotency-key", "")
        body = await request.json()
        with self._lock:
            self.calls[key] += 1
            if self.down:
                return JSONResponse({"error": "maintenance"}, status_code=503)
            if self._random.random() < self.fail_ratio:
                return JSONResponse({"error": "boom"}, status_code=500)
            duplicate = key in self.received
            self.received.setdefault(key, body)
        return JSONResponse({"duplicate": duplicate}, status_code=200 if duplicate else 201)

    @property
    def url(self) -> str:
        return f"{self.server.url}/events"

    def __enter__(self) -> Department:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
