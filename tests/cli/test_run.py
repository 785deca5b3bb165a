"""``hub run`` as operations run it: a process, killed and restarted, stopped by signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from kafka import KafkaConsumer

from connectors.bgmax import synthetic_file, write_bgmax
from hub.events import Catalog, Decoder
from hub.testing import read_committed
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _hub_yaml(tmp_path: Path, kafka: KafkaUnderTest, prefix: str, inbox: Path) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(
        f"""
kafka:
  bootstrap_servers: {kafka.bootstrap}
  topic_prefix: {prefix}
observability:
  port: 0
connectors:
  - name: payments
    type: bgmax
    config:
      inbox: {inbox}
      municipality_code: "2480"
      organisation_number: 212000-2627
      settle_seconds: 0
      poll_interval: 0.2
"""
    )
    return path


def _start(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hub.cli.main", "run", str(config), "--log-level", "WARNING"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("HUB_KAFKA_")},
    )


def _wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _up(proc: subprocess.Popen[str]) -> str:
    """Wait for ``hub run`` to serve its metrics with the connector up; its metrics URL."""
    assert proc.stdout is not None
    line = ""
    deadline = time.monotonic() + 60
    while "metrics at" not in line and time.monotonic() < deadline:
        line = proc.stdout.readline()
    url = line.split("metrics at", 1)[1].strip()
    _wait_for(
        lambda: 'hub_connector_up{connector="payments"} 1.0' in httpx.get(url).text,
        30,
        "the connector up",
    )
    return url


def test_sigkill_mid_file_then_restart_publishes_every_payment_once(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"k{unique[-8:]}"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    payments = 20_000
    (inbox / "big.bgmax").write_bytes(write_bgmax(synthetic_file(payments, seed=5)))
    os.utime(inbox / "big.bgmax", (time.time() - 60, time.time() - 60))
    config = _hub_yaml(tmp_path, kafka, prefix, inbox)
    topic = f"{prefix}.finance"

    first = _start(config)
    try:
        # Watch uncommitted records: once part of the file is in flight, kill the process.
        watcher = KafkaConsumer(
            **kafka.config(isolation_level="read_uncommitted", auto_offset_reset="earliest")
        )
        _wait_for(lambda: topic in watcher.topics(), 60, f"topic {topic}")
        watcher.subscribe([topic])
        seen = 0
        deadline = time.monotonic() + 60
        while seen < 2000 and time.monotonic() < deadline:
            seen += sum(len(batch) for batch in watcher.poll(timeout_ms=200).values())
        watcher.close()
        assert seen >= 2000, "the first process never started publishing"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert (inbox / "big.bgmax").exists(), "the file must stay in the inbox after a crash"

    second = _start(config)
    try:
        _wait_for(lambda: (inbox / "processed" / "big.bgmax").exists(), 120, "the file processed")
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    finally:
        if second.poll() is None:
            second.kill()

    decoder = Decoder(catalog)
    events = [decoder.decode_record(r) for r in read_committed(kafka.connection, [topic])]
    serials = [e.data["bgcSerialNumber"] for e in events]
    assert len(serials) == payments
    assert len(set(serials)) == payments
    assert len({e.id for e in events}) == payments


def test_sigterm_stops_cleanly_and_metrics_are_served(
    kafka: KafkaUnderTest, tmp_path: Path, unique: str
) -> None:
    prefix = f"s{unique[-8:]}"
    inbox = tmp_path / "inbox"
    config = _hub_yaml(tmp_path, kafka, prefix, inbox)
    proc = _start(config)
    try:
        url = _up(proc)
        ready = httpx.get(url.replace("/metrics", "/readyz"))
        assert ready.status_code == 200, ready.text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_connector_that_fails_for_good_ends_the_process_with_exit_1(
    kafka: KafkaUnderTest, tmp_path: Path, unique: str
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the inbox cannot be created where a file stands")
    config = _hub_yaml(tmp_path, kafka, f"f{unique[-8:]}", blocker / "inbox")
    proc = _start(config)
    try:
        assert proc.wait(60) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stdout is not None
    assert "failed: payments" in proc.stdout.read()


def test_an_instance_taken_over_by_a_second_one_exits_3(
    kafka: KafkaUnderTest, tmp_path: Path, unique: str
) -> None:
    """Two copies of one positioned source: the second fences the first, which then exits
    with the status its systemd unit does not restart (RestartPreventExitStatus=3)."""
    inbox = tmp_path / "inbox"
    config = _hub_yaml(tmp_path, kafka, f"t{unique[-8:]}", inbox)
    first = _start(config)
    second = None
    try:
        _drop_file(inbox, "one.bgmax", 5, seed=21)
        _wait_for(lambda: (inbox / "processed" / "one.bgmax").exists(), 60, "the first file")
        second = _start(config)
        _up(second)
        _drop_file(inbox, "two.bgmax", 5, seed=22)  # both look; the first is fenced
        assert first.wait(60) == 3
        assert second.poll() is None, "the instance that took over keeps running"
        _wait_for(lambda: (inbox / "processed" / "two.bgmax").exists(), 60, "the second file")
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert first.stdout is not None
    assert "another instance took over payments" in first.stdout.read()


def _drop_file(inbox: Path, name: str, payments: int, seed: int) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(write_bgmax(synthetic_file(payments, seed=seed)))
    os.utime(path, (time.time() - 60, time.time() - 60))
