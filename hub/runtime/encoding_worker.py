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

The worker is a fresh interpreter running this module (``python -m
hub.runtime.encoding_worker FD``), talking over a socket pair: it imports what unpickling the
encoder and the events needs and nothing else (not the parent's ``__main__``, as
multiprocessing's spawn would), and no multiprocessing helper process runs beside it.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
from collections.abc import Generator, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from hub.events import Encoder, Event, EventError
from hub.events.codec import KafkaRecord
from hub.runtime.encoding import event_payload
from hub.sdk.errors import TransientError
from hub.sdk.types import DeadLetter

log = logging.getLogger(__name__)

CHUNK = 256
"""Records per message from the worker: enough to make the pipe's cost per record small."""

Encoded = tuple[KafkaRecord, str] | DeadLetter
"""One event as the worker hands it over: its record and type, or its dead letter (an
event its schema refused, as the runner makes one in its own loop)."""

_ITEMS, _END, _ERROR = 0, 1, 2


class WorkerGone(TransientError):
    """The worker process ended (killed, out of memory): the runner retries the batch,
    with a new worker."""


class EncodingWorker:
    """A child process that iterates batches' events and encodes them with ``encoder``.

    The events (``Batch.events``) are pickled to the worker, so they must be picklable and
    make their events there: a list of events, or an iterable that reads its input anew on
    each ``iter()`` (a file path, not an open file).
    """

    def __init__(self, encoder: Encoder, *, name: str = "hub-encoder") -> None:
        self.name = name
        ours, theirs = socket.socketpair()
        with ours, theirs:
            # A new interpreter, not a fork: kafka-python's threads are not copied.
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
            self._conn = Connection(ours.detach())
        try:
            self._conn.send(list(sys.path))  # where the events' classes are imported from
            self._conn.send(encoder)
        except OSError as exc:
            self.close()
            raise WorkerGone(f"the encoding worker {name} did not start: {exc}") from exc
        self._busy = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None and not self._conn.closed

    def encode(self, events: Iterable[Event | DeadLetter]) -> Generator[Encoded, None, None]:
        """Each event encoded, in order; raises what iterating ``events`` raised.

        A batch left unfinished (the caller stops early, or fails) leaves the worker in the
        middle of it: the worker is then closed, and this instance cannot be used again.
        """
        if self._busy:
            raise RuntimeError("the worker is still encoding another batch")
        self._busy = True
        finished = False
        try:
            self._conn.send(events)
            while True:
                try:
                    kind, payload = self._conn.recv()
                except (EOFError, OSError):
                    raise WorkerGone(
                        f"the encoding worker {self.name} ended "
                        f"(exit status {self._process.poll()})"
                    ) from None
                if kind == _ITEMS:
                    yield from payload
                elif kind == _END:
                    finished = True
                    return
                else:
                    finished = True  # the worker has left the batch, and waits for the next
                    raise payload
        finally:
            self._busy = False
            if not finished:
                self.close()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker (it may be mid-batch) and wait for it."""
        if not self._conn.closed:
            self._conn.close()  # the worker's next send or receive ends it
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout)


class _Gone(Exception):
    """The runner closed the pipe: it gave up on the batch, or is stopping."""


def _send(conn: Connection, message: tuple[int, Any]) -> None:
    try:
        conn.send(message)
    except OSError as exc:  # BrokenPipeError, ConnectionResetError
        raise _Gone from exc


def _serve(conn: Connection, encoder: Encoder) -> None:
    """The worker's loop: a batch's events in, their records out, until the pipe closes."""
    # Signals for the process group (Ctrl-C, a service manager's SIGTERM) are the runner's
    # to act on; the worker ends when the runner closes the pipe, or exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            events = conn.recv()
        except (EOFError, OSError):
            return
        try:
            _encode(conn, encoder, events)
        except _Gone:
            return


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


def _encode(conn: Connection, encoder: Encoder, events: Iterable[Event | DeadLetter]) -> None:
    chunk: list[Encoded] = []
    try:
        for item in encoded(encoder, events):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                _send(conn, (_ITEMS, chunk))
                chunk = []
    except _Gone:
        raise
    except Exception as exc:  # the events' own error: the runner raises it again
        try:
            _send(conn, (_ERROR, exc))
        except _Gone:
            raise
        except Exception:  # it does not pickle
            _send(conn, (_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    _send(conn, (_ITEMS, chunk))
    _send(conn, (_END, None))


def main(argv: list[str]) -> int:
    """The worker process: the parent's ``sys.path`` and the encoder first, then batches."""
    conn = Connection(int(argv[0]))
    try:
        sys.path[:] = conn.recv()
        encoder = conn.recv()
    except (EOFError, OSError):
        return 0  # the parent went away before it was set up
    _serve(conn, encoder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
