"""Each application's story, followed on the bus: which of its events have been
published, and whether the notification service got the last one.

A :class:`Watcher` reads the run's domain topics (``read_committed``, from the start)
and hands every event to the :class:`StoryBoard`, which links them: the application id
to its case (PermitApplicationReceived names both), the case to its invoice's OCR
reference (InvoiceIssued), the OCR reference to its payment (PaymentReceived).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from hub.connection import KafkaConnection
from hub.demo.notifications import FEE_PAID
from hub.events import Catalog, ConsumedRecord, Decoder, Event, EventError

log = logging.getLogger(__name__)

STAGES = (
    "submitted",
    "case opened",
    "permit granted",
    "invoice issued",
    "payment received",
    "payment matched",
    "resident notified",
)


@dataclass(frozen=True)
class Story:
    application_id: str
    case_number: str | None
    ocr_reference: str | None
    times: Mapping[str, float]
    """Stage -> seconds since the demo began, for the stages reached."""

    @property
    def complete(self) -> bool:
        return all(stage in self.times for stage in STAGES)

    @property
    def reached(self) -> int:
        return sum(stage in self.times for stage in STAGES)

    @property
    def seconds(self) -> float | None:
        """From application to notification, once complete."""
        if not self.complete:
            return None
        return self.times["resident notified"] - self.times["submitted"]


@dataclass
class StoryBoard:
    started: float = field(default_factory=time.monotonic)
    _submitted: dict[str, float] = field(default_factory=dict)
    _case_of: dict[str, str] = field(default_factory=dict)
    _by_case: dict[str, dict[str, float]] = field(default_factory=dict)
    _case_of_ocr: dict[str, str] = field(default_factory=dict)
    _paid: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, event: Event, at: float | None = None) -> None:
        moment = (time.monotonic() if at is None else at) - self.started
        data, name = event.data, event.type.split(".")[-2]
        with self._lock:
            if name == "ApplicationSubmitted":
                self._submitted.setdefault(data["applicationId"], moment)
            elif name == "PermitApplicationReceived" and data.get("eServiceApplicationId"):
                self._case_of[data["eServiceApplicationId"]] = data["caseNumber"]
            elif name == "CaseOpened":
                self._mark(data["caseNumber"], "case opened", moment)
            elif name == "PermitGranted":
                self._mark(data["caseNumber"], "permit granted", moment)
            elif name == "InvoiceIssued" and data.get("caseNumber"):
                self._case_of_ocr[data["ocrReference"]] = data["caseNumber"]
                self._mark(data["caseNumber"], "invoice issued", moment)
            elif name == "PaymentReceived" and data.get("referenceCode") == "OCR":
                self._paid.setdefault(data["reference"], moment)
            elif name == "ResidentNotificationRequested" and _fee_paid(data):
                self._mark(data["caseNumber"], "payment matched", moment)

    def _mark(self, case: str, stage: str, moment: float) -> None:
        self._by_case.setdefault(case, {}).setdefault(stage, moment)

    def stories(self, notified: Mapping[str, float]) -> list[Story]:
        """Every application's story, oldest first; ``notified`` maps case numbers to when
        the notification service recorded their last notification (monotonic time)."""
        with self._lock:
            ocr_of = {case: ocr for ocr, case in self._case_of_ocr.items()}
            out = []
            for application, submitted in sorted(self._submitted.items(), key=lambda i: i[1]):
                case = self._case_of.get(application)
                times = {"submitted": submitted}
                ocr = ocr_of.get(case) if case else None
                if case is not None:
                    times.update(self._by_case.get(case, {}))
                    if ocr is not None and ocr in self._paid:
                        times["payment received"] = self._paid[ocr]
                    if case in notified:
                        times["resident notified"] = notified[case] - self.started
                out.append(Story(application, case, ocr, times))
            return out


def _fee_paid(data: Mapping[str, Any]) -> bool:
    """A notification that finance matched a payment to its case's invoice."""
    return data.get("templateId") == FEE_PAID and bool(data.get("caseNumber"))


class Watcher:
    """Reads the run's event topics on a thread and feeds the board."""

    def __init__(
        self, conn: KafkaConnection, topics: list[str], catalog: Catalog, board: StoryBoard
    ) -> None:
        self.conn = conn
        self.topics = topics
        self.decoder = Decoder(catalog)
        self.board = board
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="story-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(10)

    def _run(self) -> None:
        consumer = KafkaConsumer(
            **self.conn.client_config(),
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
        )
        try:
            parts = self._partitions(consumer)
            consumer.assign(parts)
            consumer.seek_to_beginning(*parts)
            while not self._stopping.is_set():
                for records in consumer.poll(timeout_ms=300).values():
                    for record in records:
                        self._observe(record)
        except KafkaError as exc:
            log.warning("story watcher stopped: %s", exc)
        finally:
            consumer.close()

    def _partitions(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Every partition of the topics, once the consumer's metadata has them all."""
        while True:
            found = {t: consumer.partitions_for_topic(t) for t in self.topics}
            if all(found.values()) or self._stopping.wait(0.5):
                return [TopicPartition(t, p) for t, parts in found.items() for p in parts or ()]

    def _observe(self, record: ConsumedRecord) -> None:
        try:
            self.board.observe(self.decoder.decode_record(record))
        except (EventError, KeyError, TypeError) as exc:
            log.warning("story watcher: an event it cannot follow: %s", exc)
