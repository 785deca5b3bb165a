"""Reading and encoding a batch's events in a second process, beside the Kafka work.

Python runs one thread at a time, so a source whose events are costly to make (a BgMax
file: parsing, mapping, Avro) adds that cost to kafka-python's on the same core. A source
that sets :attr:`hub.sdk.Source.encode_in_worker` has its batches' events iterated and
encoded by an :class:`EncodingWorker` instead: a child process (started once, reused for
each batch) that hands the runner encoded records in chunks through a pipe while the runner
sends the previous chunk. The pipe's small buffer keeps the worker at most a chunk or two
ahead, so memory stays bounded however large the batch.

Only the work moves: the runner still sends every record in its own transaction, so
exactly-once is untouched. Whatever the events' iterator raises (``BatchRejected``, a
source's error) is raised again in the runner, which then aborts the transaction as usual.

The worker is a :class:`hub.runtime.child.ChildWorker` running this module: it imports what
unpickling the encoder and the events needs and nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterable, Iterator
from functools import partial

from hub.events import Encoder, Event, EventError
from hub.events.codec import KafkaRecord
from hub.runtime.child import ChildWorker, child_main
from hub.runtime.encoding import event_payload
from hub.sdk.types import DeadLetter

CHUNK = 256
"""Records per message from the worker: enough to make the pipe's cost per record small."""

Encoded = tuple[KafkaRecord, str] | DeadLetter
"""One event as the worker hands it over: its record and type, or its dead letter (an
event its schema refused, as the runner makes one in its own loop)."""


class EncodingWorker(ChildWorker):
    """A child process that iterates batches' events and encodes them with ``encoder``.

    The events (``Batch.events``) are pickled to the worker, so they must be picklable and
    make their events there: a list of events, or an iterable that reads its input anew on
    each ``iter()`` (a file path, not an open file).
    """

    def __init__(self, encoder: Encoder, *, name: str = "hub-encoder") -> None:
        super().__init__(__name__, encoder, name=name)

    def encode(self, events: Iterable[Event | DeadLetter]) -> Generator[Encoded, None, None]:
        """Each event encoded, in order; raises what iterating ``events`` raised.

        A batch left unfinished (the caller stops early, or fails) leaves the worker in the
        middle of it: the worker is then closed, and this instance cannot be used again.
        """
        return self.run(events)


def encoded(encoder: Encoder, events: Iterable[Event | DeadLetter]) -> Iterator[Encoded]:
    """Each event's record and type, or its dead letter when its schema refuses it (what
    the runner publishes for it), in order; made here or in the worker alike. A dead
    letter the events' iterable yields itself passes through."""
    encode = encoder.encode
    for event in events:
        if isinstance(event, DeadLetter):
            yield event
            continue
        try:
            record = encode(event)
        except EventError as exc:
            key = event.subject or event.id
            yield DeadLetter(key, str(exc), event_payload(event), type(exc).__name__)
            continue
        yield record, event.type


def main(argv: list[str]) -> int:
    """The worker process: the parent's ``sys.path`` and the encoder first, then batches."""
    return child_main(argv, lambda encoder: partial(encoded, encoder), chunk=CHUNK)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
