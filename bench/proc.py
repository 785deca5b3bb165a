"""Run a measuring process and keep what the kernel knows about it (peak RSS, CPU time).

Peak RSS is the child's own high-water mark (``VmHWM`` in ``/proc/<pid>/status``), read
while it runs, plus those of the processes it starts (a worker process counts with its
parent: the sum of each one's peak, which their peak together cannot exceed). ``wait4``'s
``ru_maxrss`` will not do: Linux carries the parent's resident size over into a forked
child's maximum, so a child of a large benchmark driver would report the driver's memory
as its own.
"""

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
    """Run ``command`` to its end; CPU time comes from ``wait4``, peak RSS from ``/proc``."""
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
            peaks: dict[int, int] = {}  # each process's own high-water mark
            while True:
                for pid in _tree(proc.pid):
                    peaks[pid] = max(peaks.get(pid, 0), high_water_kib(pid))
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    reaped = True
                    break
                if time.monotonic() > deadline:
                    raise MeasureFailed(f"{' '.join(command)} ran longer than {timeout:.0f}s")
                time.sleep(0.01)
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
            peak_rss_mb=(sum(peaks.values()) or usage.ru_maxrss) / 1024,  # KiB on Linux
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            wall_seconds=wall,
        )


def high_water_kib(pid: int | str = "self") -> int:
    """A process's peak resident memory so far (``VmHWM``), in KiB; 0 once it has exited
    (or where ``/proc`` has no such line)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def children(pid: int | str = "self") -> list[int]:
    """A process's child processes, as ``/proc`` lists them."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as kids:
                found += [int(kid) for kid in kids.read().split()]
    except (OSError, ValueError):
        pass
    return found


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children(current)
    return found
