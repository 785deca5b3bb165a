"""What this process has seen recently: signatures and event ids, each until it expires.

Each copy of the webhook has its own cache, so a replay sent to another copy is not
caught here; there the timestamp window limits it, and consumers dedupe on the event id
(the ``ce_id`` header), which the hub carries unchanged.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable


class SeenCache:
    """Keys remembered until their expiry time; thread-safe; expired keys are dropped."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def add(self, key: str, until: float) -> bool:
        """Remember ``key`` until ``until`` (unix time); False if it is already remembered."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if key in self._expiry:
                return False
            self._expiry[key] = until
            heapq.heappush(self._queue, (until, key))
            return True

    def forget(self, key: str) -> None:
        """Drop ``key`` (a request that changed nothing may come again)."""
        with self._lock:
            self._expiry.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._expire(self._clock())
            return key in self._expiry

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._expiry)

    def _expire(self, now: float) -> None:
        queue = self._queue
        while queue and queue[0][0] <= now:
            until, key = heapq.heappop(queue)
            if self._expiry.get(key) == until:
                del self._expiry[key]
