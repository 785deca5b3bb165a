"""The contract between the runtime and a source connector.

A *polling* source (``Source``) is asked for the next :class:`Batch` after a position;
the runtime publishes the batch's events, dead letters and new position in one Kafka
transaction, and only then calls :meth:`Source.commit` so the source can tidy up
(move a file to ``processed/``). A crash at any point either publishes the whole batch
with its position or nothing of it.

A batch's events may be produced lazily, checked as they are read: when the input turns out
bad part-way (a file damaged at its end), the event iterator raises :class:`BatchRejected`
with the batch to publish instead. The runtime aborts the transaction it was filling, so
nothing of the bad batch ever becomes visible to ``read_committed`` consumers, and
publishes the replacement (dead letters, position) in a new one.

A *push* source (``PushSource``) serves requests on its own (a webhook) and hands each
event to :meth:`Publisher.publish`, which returns once the event is durable in Kafka.
"""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hub.events import Catalog, Event

Position = Mapping[str, Any]
"""A source's own JSON-serialisable bookmark (last id, last timestamp, files done)."""


@dataclass(frozen=True)
class DeadLetter:
    """Input the source could not turn into an event, and why."""

    key: str
    """Where it came from: row key, ``file:line``, request id."""
    reason: str
    payload: bytes = b""
    error_class: str = "BadInput"


@dataclass(frozen=True)
class Batch:
    """What one poll found: events, rejected input, and the position after both."""

    events: Iterable[Event | DeadLetter] = ()
    """A list, or any iterable that starts over on each ``iter()`` (a retry re-reads it).

    An iterable that makes its events as it goes (rows read, a file parsed) may yield a
    :class:`DeadLetter` in place of input it could not make an event of; the runtime
    publishes it with the batch's other dead letters. Its iterator may raise
    :class:`BatchRejected` to give up on the batch part-way."""
    position: Position | None = None
    dead_letters: Sequence[DeadLetter] = ()
    token: Any = None
    """Opaque to the runtime; handed back to :meth:`Source.commit` (e.g. a file path)."""

    @property
    def empty(self) -> bool:
        """Nothing to publish and no position to move (an idle poll)."""
        return self.position is None and not self.dead_letters and not _any(self.events)


class BatchRejected(Exception):
    """Raised by a batch's event iterator: publish ``replacement`` instead of this batch.

    For sources that check their input while it is being published rather than in a pass
    before (a large file read once): the runtime aborts the open transaction, whose events
    ``read_committed`` consumers never see, and delivers ``replacement`` in a new one, as
    if the poll had returned it; :meth:`Source.commit` then receives the replacement. The
    replacement usually carries the dead letters saying what was wrong, the position that
    skips the bad input and a ``token`` telling ``commit`` to set it aside; its ``events``
    should be a list (or empty).
    """

    def __init__(self, replacement: Batch, reason: str = "") -> None:
        super().__init__(reason or "the batch was rejected while it was being published")
        self.replacement = replacement

    def __reduce__(self) -> tuple[type[BatchRejected], tuple[Batch, str]]:
        return (type(self), (self.replacement, str(self)))  # it may cross to another process


def _any(events: Iterable[Event | DeadLetter]) -> bool:
    if isinstance(events, Sequence):
        return len(events) > 0
    return True


@dataclass
class SourceContext:
    """What the runtime gives a source when it opens."""

    name: str
    stopping: threading.Event = field(default_factory=threading.Event)
    log: Callable[[str], None] = logging.getLogger("hub.source").info
    """Where a source says what it is doing (the runtime's log)."""
    catalog: Catalog | None = None
    """The event catalog the runtime encodes with, for sources that map input to named
    events and check that mapping when they open (None when the runtime has none)."""


class Source(abc.ABC):
    """A source polled by the runtime. Override :meth:`poll`; the rest is optional."""

    poll_interval: float = 1.0
    """Seconds to wait after a poll that found nothing."""

    encode_in_worker: bool = False
    """Have the runtime iterate and encode each batch's events in a worker process, beside
    its Kafka work, rather than on the interpreter that runs kafka-python: worth it when
    making the events costs about as much as sending them (a large file to parse). The
    batch's ``events`` are then pickled to that process, so they must be picklable and make
    their events there (a list, or an iterable holding a path and settings, not an open
    file or connection); ``BatchRejected`` and other errors its iterator raises must pickle
    too (``BatchRejected`` does, with a picklable replacement)."""

    def open(self, context: SourceContext) -> None:  # noqa: B027 - optional hook
        """Connect to the external system (called once, before the first poll)."""

    @abc.abstractmethod
    def poll(self, position: Position | None) -> Batch | None:
        """The next batch after ``position`` (None: the very start), or None for none yet.

        Depend on ``position`` alone: a batch that could not be published is never
        committed, and the next poll may start from the same position again or, when
        another instance of the source published meanwhile, from a later one.

        Raise :class:`~hub.sdk.errors.TransientError` when the external system fails.
        """

    def commit(self, batch: Batch) -> None:  # noqa: B027 - optional hook
        """Called once the batch and its position are durable in Kafka."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (called once, also after failures)."""


class Publisher(Protocol):
    """Durable publishing for push sources."""

    def publish(self, events: Sequence[Event], dead_letters: Sequence[DeadLetter] = ()) -> None:
        """Return once every event is acknowledged by all in-sync replicas."""
        ...

    def healthy(self) -> bool:
        """True while Kafka answers."""
        ...


class PushSource(abc.ABC):
    """A source that receives events (HTTP) rather than polling for them."""

    @abc.abstractmethod
    def serve(self, context: SourceContext, publisher: Publisher) -> None:
        """Serve until ``context.stopping`` is set, then return."""
