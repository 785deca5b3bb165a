"""kafka-python's producer and consumer, measured the way Kafka's perf tools measure.

Each measurement runs in a fresh interpreter (``python -m bench.pyperf`` reading a JSON
spec on stdin and printing a JSON result), so its peak RSS is its own, as a JVM's is.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from bench.broker import ROOT
from bench.javaperf import Rate
from bench.proc import Finished, MeasureFailed, run_measured

MIB = 1024 * 1024
IDLE_TIMEOUT_S = 30.0  # as ConsumerPerformance --timeout 30000
FETCH = {  # ConsumerPerformance's defaults: --fetch-size, --socket-buffer-size
    "max_partition_fetch_bytes": 1024 * 1024,
    "receive_buffer_bytes": 2 * 1024 * 1024,
}


def crc32c_backend() -> str:
    """How kafka-python computes record-batch CRCs in this environment."""
    from kafka.record import util

    if getattr(util, "crc32c_c", None) is not None:
        return "the `crc32c` package's C code"
    return "pure Python (the optional `crc32c` package is not installed)"


def payload(size: int) -> bytes:
    """Uppercase ASCII letters, like ProducerPerformance's --record-size payloads."""
    rng = random.Random(size)
    return bytes(rng.randrange(65, 91) for _ in range(size))


def produce(spec: dict[str, Any]) -> dict[str, Any]:
    """Send ``records`` values of ``size`` bytes, then flush; the clock covers both."""
    topic, records, value = spec["topic"], spec["records"], payload(spec["size"])
    failures: list[BaseException] = []
    producer = KafkaProducer(**spec["client"], **spec["producer"])
    try:
        started = time.perf_counter()
        for _ in range(records):
            producer.send(topic, value).add_errback(failures.append)
        producer.flush()
        seconds = time.perf_counter() - started
    finally:
        producer.close()
    if failures:
        raise MeasureFailed(f"{len(failures)} sends failed, first: {failures[0]!r}")
    return {"records": records, "bytes": records * len(value), "seconds": seconds}


def consume(spec: dict[str, Any]) -> dict[str, Any]:
    """Read the topic from its start until ``records`` records are in; no consumer group."""
    topic, wanted = spec["topic"], spec["records"]
    consumer = KafkaConsumer(
        **spec["client"],
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **FETCH,
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        seen = size = 0
        started = last = time.perf_counter()
        while seen < wanted:
            batches = consumer.poll(timeout_ms=1000)
            now = time.perf_counter()
            if not batches and now - last > IDLE_TIMEOUT_S:
                raise MeasureFailed(f"read {seen} of {wanted} records, then nothing")
            for batch in batches.values():
                seen += len(batch)
                size += sum(len(record.value) for record in batch)
                last = now
        seconds = last - started
    finally:
        consumer.close()
    return {"records": seen, "bytes": size, "seconds": seconds}


def measure(spec: dict[str, Any]) -> tuple[Rate, Finished]:
    """Run one measurement in a child interpreter; its rate and resource usage."""
    run = run_measured(
        [sys.executable, "-m", "bench.pyperf"],
        stdin_text=json.dumps(spec),
        cwd=ROOT,
        timeout=300,
    ).check()
    lines = run.stdout.strip().splitlines()
    if not lines:
        raise MeasureFailed(f"bench.pyperf printed nothing:\n{run.stderr[-2000:]}")
    result = json.loads(lines[-1])
    seconds = result["seconds"]
    rate = Rate(result["records"], result["records"] / seconds, result["bytes"] / MIB / seconds)
    return rate, run


def main() -> int:
    spec = json.loads(sys.stdin.read())
    result = produce(spec) if spec["op"] == "produce" else consume(spec)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
