"""The demo's log: every record to ``.hub/demo/hub.log``, warnings also kept for the
live display (a terminal showing a live table has no room for log lines)."""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SHOWN = ("hub", "connectors")
"""Whose warnings and errors the display shows and counts (the Kafka client's own go to
the file only: the hub's say when Kafka fails)."""


class _Recent(logging.Handler):
    def __init__(self, size: int) -> None:
        super().__init__(logging.WARNING)
        self.lines: collections.deque[str] = collections.deque(maxlen=size)
        self.errors = 0
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] not in SHOWN:
            return
        text = f"{record.levelname.lower()}: {record.name}: {record.getMessage()}"
        with self._guard:
            self.lines.append(text.splitlines()[0])
            if record.levelno >= logging.ERROR:
                self.errors += 1


class DemoLog:
    """Installed on the root logger for the duration of a ``with`` block."""

    def __init__(self, path: Path, keep: int = 50) -> None:
        self.path = path
        self._recent = _Recent(keep)
        self._file: logging.FileHandler | None = None
        self._levels: dict[str, int] = {}

    def __enter__(self) -> DemoLog:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")
        # Appending: uvicorn's logging setup closes every handler, and a FileHandler in
        # mode "a" opens its file again on the next record (one in mode "w" stays shut).
        self._file = logging.FileHandler(self.path, mode="a", encoding="utf-8")
        self._file.setFormatter(logging.Formatter(FORMAT))
        root = logging.getLogger()
        for name, level in (
            ("", logging.INFO),
            ("kafka", logging.WARNING),
            ("httpx", logging.WARNING),
        ):
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(level)
        root.addHandler(self._file)
        root.addHandler(self._recent)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        root = logging.getLogger()
        root.removeHandler(self._recent)
        if self._file is not None:
            root.removeHandler(self._file)
            self._file.close()
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)

    def recent(self, n: int) -> list[str]:
        with self._recent._guard:
            return list(self._recent.lines)[-n:]

    @property
    def errors(self) -> int:
        with self._recent._guard:
            return self._recent.errors
