"""Helpers shared by the benchmarks that publish through Kafka transactions.

* :func:`count_committed` reads topics back with ``read_committed`` and counts what the
  committed transactions left, so a benchmark's figure rests on records really there;
* :func:`kafka_spec` / :func:`connection` hand the cluster to a child interpreter over
  stdin (secrets never on its command line);
* :func:`spread` and :func:`median` summarise repeated measurements;
* :class:`StepTimes` finds where a process's time goes, step by step;
* :func:`peak_rss_mib` is a process's own peak resident memory;
* :func:`keep` stores a run's raw results in ``bench/results/``.
"""

from __future__ import annotations

import functools
import json
import resource
import statistics
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from bench.proc import MeasureFailed, high_water_kib
from hub.connection import KafkaConnection


def kafka_spec(conn: KafkaConnection) -> dict[str, Any]:
    """The connection as JSON for a child, secret included (it goes over stdin, not argv)."""
    spec = conn.model_dump(mode="json", exclude={"sasl_password"})
    if conn.sasl_password is not None:
        spec["sasl_password"] = conn.sasl_password.get_secret_value()
    return spec


def connection(spec: dict[str, Any]) -> KafkaConnection:
    return KafkaConnection.model_validate(spec)


def count_committed(conn: KafkaConnection, topics: Iterable[str], timeout: float = 120.0) -> int:
    """How many committed records ``topics`` hold now (read from the start, nothing kept)."""
    consumer = KafkaConsumer(
        **conn.client_config(),
        isolation_level="read_committed",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    try:
        parts = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        if not parts:
            return 0
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        seen = 0
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in parts):
            if time.monotonic() > deadline:
                raise MeasureFailed(f"reading back {sorted({tp.topic for tp in parts})} timed out")
            for records in consumer.poll(timeout_ms=500).values():
                seen += len(records)
        return seen
    finally:
        consumer.close()


def peak_rss_mib() -> float:
    """This process's peak resident memory, from ``VmHWM`` in ``/proc/self/status``.

    Not ``getrusage``'s ``ru_maxrss``: on Linux a child that Python starts with ``vfork``
    and ``exec`` inherits its parent's peak there, so a big parent hides a small child.
    """
    kib = high_water_kib()
    if not kib:  # not Linux: the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kib / 1024


def keep(name: str, results: dict[str, Any]) -> Path:
    """A run's raw results as JSON in ``bench/results/`` (git-ignored)."""
    from bench.context import RESULTS

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """The largest deviation of one value from the median, as ``±N%``."""
    mid = statistics.median(values)
    if not mid:
        return "±0%"
    return f"±{max(abs(v - mid) for v in values) / mid:.0%}"


class StepTimes:
    """CPU time the calling thread spends in wrapped methods, per label.

    ``wrap(KafkaProducer, "send", "send")`` replaces the method on its class (in a child
    interpreter that measures nothing else), adding up ``time.thread_time()`` around each
    call: the thread's own CPU, so waiting on other threads or the network does not count.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        seconds = self.seconds

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] = seconds.get(label, 0.0) + time.thread_time() - started

        setattr(owner, name, timed)
