"""``hub demo`` as a newcomer runs it, bounded: the story completes, the dead letters are
replayed, and everything the demo started stops again (against the session's broker)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hub_home() -> Iterator[Path]:
    # Not pytest's tmp_path: PostgreSQL runs as the postgres user when we are root, and
    # pytest keeps its temporary root at 0700 (see tests/pg.py).
    folder = Path(tempfile.mkdtemp(prefix="hub-demo-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _env(kafka: KafkaUnderTest, home: Path) -> dict[str, str]:
    env = {**os.environ, "HUB_HOME": str(home)}
    if kafka.kind != "external":
        env = {k: v for k, v in env.items() if not k.startswith("HUB_KAFKA_")}
        env["HUB_KAFKA_BOOTSTRAP"] = kafka.bootstrap
    return env


def _hub(env: dict[str, str], *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_bounded_demo_completes_the_story_and_replays_the_dead_letters(
    kafka: KafkaUnderTest, hub_home: Path
) -> None:
    env = _env(kafka, hub_home)

    run = _hub(env, "demo", "--duration", "50", "--stories", "1", timeout=150)

    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "metrics at http://127.0.0.1:" in out
    assert "story completed" in out
    assert "one story, end to end: ES-" in out
    for step in ("case opened BN ", "permit granted", "invoice issued OCR ", "resident notified"):
        assert step in out
    complete = re.search(r"(\d+) complete end to end", out)
    assert complete is not None
    assert int(complete.group(1)) >= 1
    dead = re.search(r"dead letters of notify-residents: (\d+); replayed and delivered: (\d+)", out)
    assert dead is not None, out
    assert int(dead.group(1)) >= 1
    assert int(dead.group(2)) >= 1

    demo = hub_home / "demo"
    assert not (demo / "pg" / "data" / "postmaster.pid").exists(), "PostgreSQL still runs"
    assert "hub kafka down" not in out  # the session's broker is not the demo's to stop

    listing = _hub(env, "dlq", "list", str(demo / "hub.yaml"), "notify-residents", timeout=60)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    assert "TransientError" in listing.stdout
    assert "yes" in listing.stdout  # replayed
