"""``hub kafka up/status/down`` as an operator runs them, and kcat as any other client."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub.localkafka.broker import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _hub(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_KAFKA_")}
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "kafka", *args, "--home", str(home)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**base, **(env or {})},
    )


def test_up_status_down_and_any_client_works(tmp_path: Path) -> None:
    home = tmp_path / "kafka"
    port = free_port()
    up = _hub(home, "up", "--port", str(port), "--controller-port", str(free_port()))
    try:
        assert up.returncode == 0, up.stderr
        bootstrap = up.stdout.strip().splitlines()[-1]
        assert bootstrap == f"127.0.0.1:{port}"

        again = _hub(home, "up", "--port", str(port))
        assert again.returncode == 0
        assert again.stdout.strip().splitlines()[-1] == bootstrap

        status = _hub(home, "status")
        assert status.returncode == 0
        assert f"up: {bootstrap}" in status.stdout

        kcat = shutil.which("kcat")
        assert kcat, "kcat is missing: apt-get install -y kcat (make prereqs installs it)"
        listing = subprocess.run(
            [kcat, "-b", bootstrap, "-L"], capture_output=True, text=True, timeout=30
        )
        assert listing.returncode == 0, listing.stderr
        assert "1 brokers:" in listing.stdout
        assert f"127.0.0.1:{port}" in listing.stdout

        down = _hub(home, "down")
        assert down.returncode == 0
        assert "Kafka stopped." in down.stdout
        assert _hub(home, "status").returncode == 1
    finally:
        _hub(home, "down")


def test_status_says_down_after_the_broker_was_killed(tmp_path: Path) -> None:
    home = tmp_path / "kafka"
    up = _hub(home, "up", "--port", str(free_port()), "--controller-port", str(free_port()))
    try:
        assert up.returncode == 0, up.stderr
        pid = int(_hub(home, "status").stdout.split("pid ")[1].split(")")[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        status = _hub(home, "status")
        assert status.returncode == 1
        assert "down" in status.stdout
        assert "server.log" in status.stdout
    finally:
        _hub(home, "down")


def test_port_in_use_is_refused_with_the_fix(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _hub(tmp_path / "k", "up", "--port", str(port))
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "fix:" in result.stderr


def test_missing_java_names_the_install_command(tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    result = _hub(tmp_path / "k", "up", "--port", str(free_port()), env={"PATH": str(bare)})
    assert result.returncode == 1
    assert "Java is not installed" in result.stderr
    assert "apt-get install -y openjdk-17-jre-headless" in result.stderr


def test_an_external_cluster_means_no_local_broker(tmp_path: Path) -> None:
    result = _hub(tmp_path / "k", "up", env={"HUB_KAFKA_BOOTSTRAP": "kafka.kommun.local:9092"})
    assert result.returncode == 2
    assert "does not start a broker of its own" in result.stderr
    assert not (tmp_path / "k").exists()
