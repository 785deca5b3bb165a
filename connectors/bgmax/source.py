"""The ``bgmax`` source: BgMax files from an inbox folder, one transaction per file.

Each poll takes the oldest settled file in the inbox. A file that parses and balances
becomes one ``PaymentReceived`` per payment or deduction record, all published in one
transaction together with the file's digest in the source's position; only then is the
file moved to ``processed/``. The file is read once, checked as its payments are
published: a malformed or inconsistent file, found out at any line up to its end record,
ends the iteration with :class:`~hub.sdk.BatchRejected`, so the runtime aborts that
transaction (``read_committed`` consumers see none of the file) and publishes instead one
dead letter naming the line and field, with the file's digest in the position; the file
moves to ``rejected/`` beside a ``.reason.txt``. The position remembers published files' digests
(``done``) apart from rejected ones' (``rejected``). A crash between the commit and the
move is harmless: the next poll finds the digest and only moves the file, to
``processed/`` or, checked again for its reason, to ``rejected/``. The same bad file
dropped in again goes to ``rejected/`` again, and never counts as processed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from connectors.bgmax.config import BgMaxConfig
from connectors.bgmax.errors import BgMaxError
from connectors.bgmax.mapping import file_created_at, payment_data
from connectors.bgmax.parser import iter_payments
from hub.events import Event, source_uri
from hub.sdk import Batch, BatchRejected, DeadLetter, NameIds, Position, Source

EVENT_TYPE = "se.kommun.hub.finance.PaymentReceived.v1"
_IDS = NameIds(uuid.UUID("6f1c2a52-9d8e-4f0b-a3a4-5b0d2c1e8f10"))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Done:
    path: Path
    digest: str
    error: BgMaxError | None = None


class FileEvents:
    """The events of one file, read anew on each iteration (retries re-read).

    The file is checked as it is read: at the first problem the iteration raises
    :class:`~hub.sdk.BatchRejected` carrying the file's dead letter, ``position`` and a
    token that sends the file to ``rejected/``.
    """

    def __init__(
        self, path: Path, digest: str, config: BgMaxConfig, position: Position | None = None
    ) -> None:
        self.path = path
        self.digest = digest
        self.config = config
        self.position = position
        self.source = source_uri(config.municipality_code, config.system)

    def __iter__(self) -> Iterator[Event]:
        municipality = {
            "code": self.config.municipality_code,
            "organisationNumber": self.config.organisation_number,
        }
        source, name = self.source, f"{self.digest}:"
        created = None
        try:
            for entry in iter_payments(self.path):
                if created is None:
                    created = file_created_at(entry.header)
                yield Event(
                    type=EVENT_TYPE,
                    source=source,
                    id=_IDS(f"{name}{entry.index}"),
                    time=created,
                    data=payment_data(entry, municipality, created),
                )
        except BgMaxError as exc:
            rejected = _rejected(self.path, self.digest, exc, self.position)
            raise BatchRejected(rejected, f"{self.path.name}: {exc}") from exc


def _rejected(path: Path, digest: str, error: BgMaxError, position: Position | None) -> Batch:
    """What a bad file publishes: its dead letter and the position past it."""
    letter = DeadLetter(
        key=f"{path.name}:{error.line}",
        reason=str(error),
        payload=_line(path, error.line),
        error_class="BgMaxError",
    )
    return Batch(dead_letters=[letter], position=position, token=_Done(path, digest, error))


class BgMaxSource(Source):
    def __init__(self, config: BgMaxConfig) -> None:
        self.config = config
        self.poll_interval = config.poll_interval
        self.encode_in_worker = config.encode_in_worker
        self.processed = config.processed or config.inbox / "processed"
        self.rejected = config.rejected or config.inbox / "rejected"

    def open(self, context: object) -> None:
        for folder in (self.config.inbox, self.processed, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)

    def _candidates(self) -> list[Path]:
        now = time.time()
        found = []
        for path in self.config.inbox.glob(self.config.pattern):
            if not path.is_file() or path.name.startswith("."):
                continue
            if now - path.stat().st_mtime < self.config.settle_seconds:
                continue  # still being written
            found.append(path)
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))

    def poll(self, position: Position | None) -> Batch | None:
        done: list[str] = list((position or {}).get("done", []))
        rejected: list[str] = list((position or {}).get("rejected", []))
        keep = self.config.history
        for path in self._candidates():
            digest = file_digest(path)
            if digest in done:  # published before a crash, not yet moved
                _move(path, self.processed)
                continue
            if digest in rejected:  # its dead letter is out: a crash, or the same file again
                error = _first_error(path)
                if error is not None:
                    self._reject(path, digest, error)
                    continue
            published = {"done": [*done, digest][-keep:], "rejected": rejected}
            refused = {"done": done, "rejected": [*rejected, digest][-keep:]}
            return Batch(
                events=FileEvents(path, digest, self.config, refused),
                position=published,
                token=_Done(path, digest),
            )
        return None

    def commit(self, batch: Batch) -> None:
        token = batch.token
        if not isinstance(token, _Done):
            return
        if token.error is None:
            _move(token.path, self.processed)
        else:
            self._reject(token.path, token.digest, token.error)

    def _reject(self, path: Path, digest: str, error: BgMaxError) -> None:
        moved = _move(path, self.rejected)
        reason = moved.with_name(moved.name + ".reason.txt")
        reason.write_text(
            f"file: {path.name}\nsha256: {digest}\nline: {error.line}\n"
            f"field: {error.field}\nreason: {error.reason}\n",
            encoding="utf-8",
        )


def _first_error(path: Path) -> BgMaxError | None:
    try:
        for _ in iter_payments(path):
            pass
    except BgMaxError as exc:
        return exc
    return None


def _move(path: Path, folder: Path) -> Path:
    target = folder / path.name
    if target.exists():
        stem = time.strftime("%Y%m%dT%H%M%S")
        target = folder / f"{path.stem}.{stem}.{os.getpid()}{path.suffix}"
    shutil.move(path, target)
    return target


def _line(path: Path, number: int) -> bytes:
    with path.open("rb") as handle:
        for index, line in enumerate(handle, start=1):
            if index == number:
                return line.rstrip(b"\r\n")
    return b""
