"""Real processes for the deployment tests: `hub run` and a Prometheus server.

Each runs as operations run it (its own process, its output collected on a thread so a
full pipe never blocks it) and is stopped with SIGTERM, killed only if that fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.deploy.tools import ROOT, tool


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_line(self, marker: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if marker in line:
                    return line
            if self.popen.poll() is not None:
                self._reader.join(2)
                pytest.fail(f"{self.name} exited ({self.popen.returncode}):\n{self.output}")
            time.sleep(0.05)
        pytest.fail(f"{self.name} did not print {marker!r} in {timeout:.0f} s:\n{self.output}")

    def stop(self, timeout: float = 30) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._reader.join(5)
        return self.popen.returncode


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``condition`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except httpx.HTTPError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


@contextmanager
def hub_run(config: Path, *args: str) -> Iterator[tuple[Process, str]]:
    """``hub run CONFIG`` until the block ends; yields the process and its /metrics URL."""
    popen = subprocess.Popen(
        [sys.executable, "-m", "hub.cli.main", "run", str(config), "--log-level", "WARNING", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("HUB_KAFKA_")},
    )
    process = Process("hub run", popen)
    try:
        line = process.wait_for_line("metrics at", 60)
        yield process, line.split("metrics at", 1)[1].strip()
    finally:
        code = process.stop()
    assert code == 0, f"hub run exited {code} after SIGTERM:\n{process.output}"


@contextmanager
def prometheus(config: Path, storage: Path, port: int) -> Iterator[tuple[Process, str]]:
    """Debian's ``prometheus`` with ``config``; yields the process and its base URL."""
    popen = subprocess.Popen(
        [
            tool("prometheus"),
            f"--config.file={config}",
            f"--storage.tsdb.path={storage}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process = Process("prometheus", popen)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: process.popen.poll() is not None or httpx.get(f"{url}/-/ready").is_success,
            30,
            "Prometheus to be ready",
        )
        if process.popen.poll() is not None:
            process.stop()
            pytest.fail(f"prometheus exited ({popen.returncode}):\n{process.output}")
        yield process, url
    finally:
        code = process.stop()
    assert code == 0, f"prometheus exited {code} after SIGTERM:\n{process.output}"


def payments_hub_yaml(
    tmp_path: Path, bootstrap: str, prefix: str, inbox: Path, *, with_route: bool = False
) -> Path:
    """A hub.yaml with a bgmax connector on ``inbox`` (and a kafka-sink route copying the
    finance topic, with ``with_route``), serving /metrics on a free port."""
    config: dict[str, Any] = {
        "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix},
        "observability": {"port": 0},
        "connectors": [
            {
                "name": "payments",
                "type": "bgmax",
                "config": {
                    "inbox": str(inbox),
                    "municipality_code": "2480",
                    "organisation_number": "212000-2627",
                    "settle_seconds": 0,
                    "poll_interval": 0.2,
                },
            }
        ],
    }
    if with_route:
        config["routes"] = [
            {
                "name": "payments-copy",
                "from": {"domains": ["finance"]},
                "sink": {"type": "kafka", "config": {"topic": f"{prefix}.copy"}},
            }
        ]
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(config))
    return path
