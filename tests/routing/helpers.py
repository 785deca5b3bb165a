"""Shared pieces of the route integration tests: topics, events in, hub.yaml, the runtime,
waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaProducer

from hub.config import load_config
from hub.events import Catalog, Encoder, Event
from hub.runtime.app import Runtime
from hub.runtime.topics import TopicSpec, ensure_topics, event_topics
from hub.sdk import Registry
from tests.kafka_env import KafkaUnderTest

ROOT = Path(__file__).resolve().parents[2]


def publish(kafka: KafkaUnderTest, catalog: Catalog, prefix: str, events: Iterable[Event]) -> int:
    ensure_topics(kafka.connection, [TopicSpec(t) for t in event_topics(catalog, prefix)])
    encoder = Encoder(catalog, topic_prefix=prefix)
    producer = KafkaProducer(**kafka.config(acks="all", linger_ms=5))
    count = 0
    for event in events:
        rec = encoder.encode(event)
        producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)
        count += 1
    producer.flush()
    producer.close()
    return count


def hub_yaml(tmp_path: Path, kafka: KafkaUnderTest, prefix: str, routes: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(
        f"kafka:\n  bootstrap_servers: {kafka.bootstrap}\n  topic_prefix: {prefix}\n"
        f"observability:\n  port: 0\nroutes:\n{routes}"
    )
    return path


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def hub(*args: str, wait: bool = True) -> subprocess.Popen[str]:
    """``hub`` as a separate process (``wait``: run to the end)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_KAFKA_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli.main", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    if wait:
        proc.wait(120)
    return proc


@contextmanager
def running(config: Path, kafka: KafkaUnderTest, catalog: Catalog) -> Iterator[Runtime]:
    """The hub's runtime for ``config``, in this process (no HTTP server)."""
    loaded = load_config(config, Registry.discover(), os.environ, catalog)
    runtime = Runtime(loaded, conn=kafka.connection, catalog=catalog, serve_http=False)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.stop()
