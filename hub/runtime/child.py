"""Work in a second interpreter beside the Kafka work, over a socket pair.

Python runs one thread at a time, so CPU-heavy work (parsing, mapping, Avro) in the process
that also runs kafka-python adds up with kafka-python's own on one core. A
:class:`ChildWorker` moves such work to a child process, started once and reused: the
parent sends it a job, the child answers with the job's items in chunks through the pipe,
and the parent handles one chunk (sends its records) while the child makes the next. The
pipe's small buffer keeps the child at most a chunk or two ahead, so memory stays bounded.

The child is a fresh interpreter running the worker's module (``python -m MODULE FD``), not
a fork (kafka-python's threads are not copied) and not multiprocessing's spawn (which would
import the parent's ``__main__``, and runs a helper process beside it). It imports only
what unpickling its setup and jobs needs. Whatever making a job's items raises is raised
again in the parent; a child that ends (killed, out of memory) is :class:`WorkerGone`.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Generator, Iterable
from multiprocessing.connection import Connection
from typing import Any

from hub.sdk.errors import TransientError

_ITEMS, _END, _ERROR = 0, 1, 2

Handler = Callable[[Any], Iterable[Any]]
"""A child's work: a job in, its items out, in order."""


class WorkerGone(TransientError):
    """The worker process ended (killed, out of memory): the caller retries the work,
    with a new worker."""


class ChildWorker:
    """The parent's side: a child process running ``module``'s :func:`child_main`."""

    def __init__(self, module: str, setup: Any, *, name: str) -> None:
        self.name = name
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", module, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
            self._conn = Connection(ours.detach())
        try:
            self._conn.send(list(sys.path))  # where the setup's and jobs' classes come from
            self._conn.send(setup)
        except OSError as exc:
            self.close()
            raise WorkerGone(f"the worker {name} did not start: {exc}") from exc
        self._busy = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None and not self._conn.closed

    def run(self, job: Any) -> Generator[Any, None, None]:
        """The job's items, in order; raises what making them raised in the child.

        The job goes to the child at once, so it works on it while the caller does other
        things; iterate what this returns to the end. A job left unfinished (the caller
        stops early, or fails) leaves the child in the middle of it: the child is then
        closed, and this instance cannot be used again.
        """
        if self._busy:  # the last job's items were never read to the end
            self.close()
            raise WorkerGone(f"the worker {self.name} was left in the middle of a job")
        try:
            self._conn.send(job)
        except OSError as exc:
            self.close()
            raise WorkerGone(f"the worker {self.name} ended: {exc}") from exc
        self._busy = True
        return self._items()

    def _items(self) -> Generator[Any, None, None]:
        finished = False
        try:
            while True:
                try:
                    kind, payload = self._conn.recv()
                except (EOFError, OSError):
                    raise WorkerGone(
                        f"the worker {self.name} ended (exit status {self._process.poll()})"
                    ) from None
                if kind == _ITEMS:
                    yield from payload
                elif kind == _END:
                    finished = True
                    return
                else:
                    finished = True  # the child has left the job, and waits for the next
                    raise payload
        finally:
            self._busy = False
            if not finished:
                self.close()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child (it may be mid-job) and wait for it."""
        if not self._conn.closed:
            self._conn.close()  # the child's next send or receive ends it
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout)


class _Gone(Exception):
    """The parent closed the pipe: it gave up on the job, or is stopping."""


def _send(conn: Connection, message: tuple[int, Any]) -> None:
    try:
        conn.send(message)
    except OSError as exc:  # BrokenPipeError, ConnectionResetError
        raise _Gone from exc


def _answer(conn: Connection, handle: Handler, job: Any, chunk: int) -> None:
    batch: list[Any] = []
    try:
        for item in handle(job):
            batch.append(item)
            if len(batch) >= chunk:
                _send(conn, (_ITEMS, batch))
                batch = []
    except _Gone:
        raise
    except Exception as exc:  # the job's own error: the parent raises it again
        try:
            _send(conn, (_ERROR, exc))
        except _Gone:
            raise
        except Exception:  # it does not pickle
            _send(conn, (_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    _send(conn, (_ITEMS, batch))
    _send(conn, (_END, None))


def serve(conn: Connection, handle: Handler, chunk: int) -> None:
    """The child's loop: a job in, its items out in chunks, until the pipe closes."""
    # Signals for the process group (Ctrl-C, a service manager's SIGTERM) are the parent's
    # to act on; the child ends when the parent closes the pipe, or exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            _answer(conn, handle, job, chunk)
        except _Gone:
            return


def child_main(argv: list[str], make: Callable[[Any], Handler], *, chunk: int) -> int:
    """A child process: the parent's ``sys.path`` and the setup first (``make(setup)``
    gives the handler), then jobs."""
    conn = Connection(int(argv[0]))
    try:
        sys.path[:] = conn.recv()
        setup = conn.recv()
    except (EOFError, OSError):
        return 0  # the parent went away before it was set up
    try:
        handle = make(setup)
    except Exception as exc:  # every job then fails with it, in the parent
        failed = exc

        def handle(job: Any) -> Iterable[Any]:
            raise failed

    serve(conn, handle, chunk)
    return 0
