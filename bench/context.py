"""What a benchmark gets from the runner: a scratch folder, options, Kafka on demand."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

from bench import report
from bench.broker import ROOT, BenchKafka, bench_kafka

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "bench" / "results"  # raw JSON of each run (git-ignored)


class Context:
    """One run of ``python -m bench``; closing it stops the broker it may have started."""

    def __init__(
        self, workdir: Path, *, quick: bool = False, write: bool = True, load: float = 0.0
    ) -> None:
        self.workdir = workdir
        self.quick = quick
        self.load_at_start = load  # 1-minute load average when the run began
        self.write = write and not quick
        self.written: list[str] = []
        self._stack = ExitStack()
        self._kafka: BenchKafka | None = None

    def kafka(self) -> BenchKafka:
        """The cluster to measure; the first call starts a local broker (or uses the env's)."""
        if self._kafka is None:
            home = self.workdir / "kafka"
            self._kafka = self._stack.enter_context(bench_kafka(home, os.environ))
        return self._kafka

    def scratch(self, name: str) -> Path:
        folder = self.workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def write_section(self, name: str, markdown: str) -> None:
        """Put a benchmark's section into docs/benchmarks.md (not in quick runs)."""
        if self.write:
            report.write_section(DOC, name, markdown)
            self.written.append(name)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Context:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
