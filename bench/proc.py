"""Run a measuring process and keep what the kernel knows about it (peak RSS, CPU time)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class MeasureFailed(RuntimeError):
    """A measuring process failed, timed out, or printed something unexpected."""


@dataclass(frozen=True)
class Finished:
    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    cpu_seconds: float
    wall_seconds: float

    def check(self) -> Finished:
        if self.returncode != 0:
            raise MeasureFailed(
                f"{self.command[0]} … {self.command[-1]} exited with {self.returncode}:\n"
                f"{(self.stdout + self.stderr).strip()[-2000:]}"
            )
        return self


def run_measured(
    command: Sequence[str],
    *,
    timeout: float,
    stdin_text: str | None = None,
    cwd: Path | None = None,
) -> Finished:
    """Run ``command`` to its end; its resource usage comes from ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=cwd,
        )
        reaped = False
        try:
            if proc.stdin is not None:
                proc.stdin.write((stdin_text or "").encode())
                proc.stdin.close()
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    reaped = True
                    break
                if time.monotonic() > deadline:
                    raise MeasureFailed(f"{' '.join(command)} ran longer than {timeout:.0f}s")
                time.sleep(0.02)
        finally:
            if not reaped:
                proc.kill()
                proc.wait()
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            command=tuple(command),
            returncode=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            wall_seconds=wall,
        )
