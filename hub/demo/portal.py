"""The e-services portal: residents submit building-permit applications at a steady pace,
each POSTed to the hub's ``webhook`` source as a signed CloudEvent.

A post that fails (the webhook not listening yet, 503 when Kafka did not acknowledge)
is sent again on the next tick with the same event id and a new signature, as the
webhook's documentation asks; 409 for a duplicate event means it was stored before.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import httpx

from connectors.webhook.signature import sign
from hub.demo import payloads
from hub.demo.pace import Pace
from hub.demo.people import project, resident

log = logging.getLogger(__name__)

TYPE = "se.kommun.hub.eservice.ApplicationSubmitted.v1"
SOURCE = "/kommun/2480/e-tjanster"


@dataclass(frozen=True)
class _Post:
    application_id: str
    body: bytes


class Portal:
    def __init__(self, url: str, secret: str, pace: Pace, seed: int = 2) -> None:
        self.url = url
        self.key = secret.encode()
        self.pace = pace
        self.open = True
        """False once the portal stops taking new applications (pending ones still go)."""
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)  # noqa: S311 - made-up applications
        self._pending: list[_Post] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="e-services-portal", daemon=True)
        self._client = httpx.Client(timeout=10)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(15)
        self._client.close()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def _run(self) -> None:
        number = 0
        while True:
            if self.open:
                number += 1
                self._pending.append(self._application(number))
            self._pending = [post for post in self._pending if not self._send(post)]
            if self._stopping.wait(self.pace.application_every):
                return

    def _application(self, number: int) -> _Post:
        application_id = f"ES-{dt.date.today().year}-{number:06d}"
        data = payloads.application_submitted(
            application_id, resident(self._rng), project(self._rng)
        )
        envelope = {
            "specversion": "1.0",
            "type": TYPE,
            "source": SOURCE,
            "id": str(uuid.uuid4()),
            "time": payloads.now(),
            "subject": application_id,
            "datacontenttype": "application/json",
            "data": data,
        }
        return _Post(application_id, json.dumps(envelope, ensure_ascii=False).encode())

    def _send(self, post: _Post) -> bool:
        """True when the hub has the application (or refused it for good)."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/cloudevents+json",
            "X-Hub-Timestamp": str(timestamp),
            "X-Hub-Signature": sign(self.key, timestamp, post.body),
        }
        try:
            answer = self._client.post(self.url, content=post.body, headers=headers)
        except httpx.HTTPError as exc:
            self._count("retried")
            log.info("portal: %s not sent, trying again: %s", post.application_id, exc)
            return False
        if answer.status_code == 202 or _duplicate(answer):
            self._count("submitted")
            return True
        if answer.status_code >= 500:
            self._count("retried")
            return False
        self._count("refused")
        log.warning(
            "portal: %s refused: %s %s", post.application_id, answer.status_code, answer.text
        )
        return True

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1


def _duplicate(answer: httpx.Response) -> bool:
    return answer.status_code == 409 and "duplicate-event" in answer.text
