"""What a benchmark ran on: CPU, memory, and the versions of Python, Java and the clients."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import time
from importlib import metadata
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, sep, value = line.partition(":")
        if sep and name.strip() == key:
            return value.strip()
    return None


def cpu_model() -> str:
    return _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"


def memory_gib() -> float | None:
    total = _first("/proc/meminfo", "MemTotal")  # "24590000 kB"
    return int(total.split()[0]) / 1024 / 1024 if total else None


def java_version() -> str:
    java = shutil.which("java")
    if java is None:
        return "no java"
    proc = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return lines[0].replace('"', "") if lines else "unknown java"


def load() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    return os.getloadavg()[0]


def wait_quiet(limit: float, seconds: float, poll: float = 5.0) -> float:
    """Wait up to ``seconds`` for the load average to drop below ``limit``; the last reading."""
    deadline = time.monotonic() + seconds
    current = load()
    while current >= limit and time.monotonic() < deadline:
        time.sleep(poll)
        current = load()
    return current


def kafka_version(pom: Path) -> str:
    """The Kafka version the project's Maven file fetches (broker and perf tools)."""
    try:
        found = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom.read_text())
    except OSError:
        found = None
    return found.group(1) if found else "unknown"


def describe() -> dict[str, str]:
    """Facts about this machine, for the benchmarks document."""
    memory = memory_gib()
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "memory": f"{memory:.0f} GiB" if memory else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": f"CPython {platform.python_version()}",
        "java": java_version(),
        "kafka-python": metadata.version("kafka-python"),
    }


def one_line(facts: dict[str, str]) -> str:
    return (
        f"{facts['cores']} cores ({facts['cpu']}), {facts['memory']} RAM, {facts['os']}; "
        f"{facts['python']}, {facts['java']}, kafka-python {facts['kafka-python']}"
    )
