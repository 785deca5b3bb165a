"""The resident notification service (Mina meddelanden, e-mail, SMS): it records each
notification it is asked to send, once per notification, and is down for maintenance
(503) while :attr:`Notifications.down` is set."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hub.demo.service import Answer, Service, Unavailable, post

RECEIPT = "bygglov-ansokan-mottagen"
"""Template of "we have received your application" (requested by the case system)."""
FEE_PAID = "bygglovsavgift-betald"
"""Template of "your permit fee is paid" (requested by finance): the story's last step."""


@dataclass(frozen=True)
class Notice:
    notification_id: str
    template: str
    case_number: str | None
    recipient: str | None
    at: float
    """When it was recorded (``time.monotonic()``)."""


class Notifications:
    def __init__(self) -> None:
        self.down = True
        self.notices: dict[str, Notice] = {}
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.service = Service("notifications", [post("/notifications", self.notify)])

    def notify(self, key: str, body: dict[str, Any]) -> Answer:
        recipient = body.get("recipient") or {}
        with self._lock:
            if self.down:
                self.counts["refused"] += 1
                raise Unavailable("down for planned maintenance", retry_after=1)
            if key in self.notices:
                self.counts["duplicates"] += 1
                return 200, {"status": "already sent"}
            notice = Notice(
                notification_id=str(body.get("notificationId")),
                template=str(body.get("templateId")),
                case_number=body.get("caseNumber"),
                recipient=recipient.get("name") if isinstance(recipient, dict) else None,
                at=time.monotonic(),
            )
            self.notices[key] = notice
            self.counts[notice.template] += 1
        return 201, {"status": "sent", "channels": body.get("channels", [])}

    def sent(self, template: str) -> dict[str, float]:
        """Case number -> when a notification of ``template`` about it was recorded."""
        with self._lock:
            return {
                n.case_number: n.at
                for n in self.notices.values()
                if n.template == template and n.case_number
            }

    def snapshot(self) -> tuple[bool, Counter[str]]:
        with self._lock:
            return self.down, Counter(self.counts)
