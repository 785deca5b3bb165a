"""How much CPU other processes took while a measurement ran (Linux /proc)."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_busy_seconds() -> float:
    """CPU seconds spent on anything but idle and I/O wait since boot, all cores together."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    except (OSError, IndexError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields)
    return (user + nice + system + irq + softirq + steal) / _TICK


def process_seconds(pid: int | None) -> float:
    """CPU seconds used so far by process ``pid`` (0 when unknown or gone)."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Snapshot:
    """CPU counters at one moment: the machine's, a broker's and this process's."""

    at: float
    machine: float
    broker: float
    own: float

    @classmethod
    def take(cls, broker_pid: int | None) -> Snapshot:
        return cls(time.monotonic(), machine_busy_seconds(), process_seconds(broker_pid),
                   own_seconds())  # fmt: skip

    def others_since(self, before: Snapshot, child_seconds: float) -> float:
        """Average cores used by processes other than ours (this one, the broker, the child)."""
        elapsed = self.at - before.at
        if elapsed <= 0:
            return 0.0
        ours = (self.broker - before.broker) + (self.own - before.own) + child_seconds
        return max(0.0, (self.machine - before.machine - ours) / elapsed)
