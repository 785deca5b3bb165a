"""Baseline: raw kafka-python throughput beside Kafka's own Java perf tools, same broker, same run.

Everything the hub builds on kafka-python can at best reach these numbers; later benchmarks
report themselves against them.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rich.console import Console

from bench import machine, report
from bench.broker import BenchKafka
from bench.context import RESULTS, Context
from bench.cpu import Snapshot
from bench.javaperf import JavaTools, Rate
from bench.proc import Finished
from bench.pyperf import FETCH, crc32c_backend, measure
from bench.settings import ProducerSettings

NAME = "baseline"
TITLE = "Baseline: kafka-python beside Kafka's Java perf tools"
REPEATS = 5
PARTITIONS = 3
CLIENTS = ("java", "python")
OPS = ("produce", "consume")


@dataclass(frozen=True)
class Workload:
    """Records of one size; each client gets enough of them for a run of a few seconds."""

    size: int
    java: int
    python: int

    def records(self, client: str, scale: int = 1) -> int:
        return (self.java if client == "java" else self.python) // scale


WORKLOADS = (Workload(100, java=1_000_000, python=100_000), Workload(1024, 250_000, 20_000))


@dataclass(frozen=True)
class Sample:
    client: str
    op: str
    size: int
    repeat: int
    wanted: int
    records: int
    events_per_s: float
    mb_per_s: float
    peak_rss_mb: float
    cpu_seconds: float
    others_cores: float  # CPU other processes on the machine used meanwhile


class Baseline:
    """One baseline run against one cluster."""

    def __init__(self, kafka: BenchKafka, tools: JavaTools, console: Console) -> None:
        self.kafka = kafka
        self.tools = tools
        self.console = console
        self.settings = ProducerSettings()
        self.run_id = uuid.uuid4().hex[:8]
        self.topics: list[str] = []

    def topic(self, label: str) -> str:
        name = f"hub-bench-{self.run_id}-{label}"
        self.topics.append(self.kafka.create_topic(name, PARTITIONS))
        return name

    def produce(self, client: str, topic: str, size: int, records: int) -> tuple[Rate, Finished]:
        if client == "java":
            return self.tools.produce(topic, records, size, self.settings.java())
        return measure(
            {
                "op": "produce",
                "topic": topic,
                "records": records,
                "size": size,
                "client": self.kafka.client_config(),
                "producer": self.settings.python(),
            }
        )

    def consume(self, client: str, topic: str, records: int) -> tuple[Rate, Finished]:
        if client == "java":
            return self.tools.consume(topic, records, group=f"{topic}-{len(self.topics)}")
        config = self.kafka.client_config()
        return measure({"op": "consume", "topic": topic, "records": records, "client": config})

    def round(self, repeat: int, work: Workload, scale: int) -> list[Sample]:
        """Both producers (fresh topics), then both consumers (reading the Java tool's topic).

        Which client goes first alternates between repeats.
        """
        order = CLIENTS if repeat % 2 == 0 else CLIENTS[::-1]
        topics = {client: self.topic(f"{work.size}b-r{repeat}-{client}") for client in order}
        samples = []
        for op in OPS:
            for client in order:
                topic = topics[client] if op == "produce" else topics["java"]
                sample = self.sample(repeat, op, client, topic, work.size,
                                     work.records(client, scale))  # fmt: skip
                self.console.print(
                    f"  run {repeat + 1} {op:<7} {work.size:>5} B  {client:<6} "
                    f"{sample.events_per_s:>10,.0f} events/s {sample.mb_per_s:>7.1f} MB/s "
                    f"peak RSS {sample.peak_rss_mb:>5.0f} MiB  "
                    f"others {sample.others_cores:.2f} cores",
                    highlight=False,
                    soft_wrap=True,
                )
                samples.append(sample)
        return samples

    def sample(
        self, repeat: int, op: str, client: str, topic: str, size: int, records: int
    ) -> Sample:
        """One measurement, with the CPU other processes used while it ran."""
        before = Snapshot.take(self.kafka.pid)
        if op == "produce":
            rate, run = self.produce(client, topic, size, records)
        else:
            rate, run = self.consume(client, topic, records)
        others = Snapshot.take(self.kafka.pid).others_since(before, run.cpu_seconds)
        return Sample(
            client=client,
            op=op,
            size=size,
            repeat=repeat,
            wanted=records,
            records=rate.records,
            events_per_s=rate.events_per_s,
            mb_per_s=rate.mb_per_s,
            peak_rss_mb=run.peak_rss_mb,
            cpu_seconds=run.cpu_seconds,
            others_cores=others,
        )

    def warm_up(self, scale: int) -> None:
        """Unmeasured Java runs of each workload at half length, so the broker is warm for run 1."""
        for work in WORKLOADS:
            topic = self.topic(f"{work.size}b-warm-up")
            records = work.records("java", scale * 2)
            self.tools.produce(topic, records, work.size, self.settings.java())
            self.tools.consume(topic, records, group=f"{topic}-0")


# -- summary ---------------------------------------------------------------------------
HEADERS = (
    "operation",
    "record",
    "records Java / kafka-python",
    "Java tool events/s",
    "kafka-python events/s",
    "kafka-python ÷ Java",
    "Java tool MB/s",
    "kafka-python MB/s",
    "peak RSS Java",
    "peak RSS kafka-python",
    "spread Java / kafka-python",
)
ALIGN = "llrrrrrrrrr"


def _spread(values: Sequence[float]) -> str:
    middle = statistics.median(values)
    worst = max(abs(v - middle) for v in values) / middle if middle else 0.0
    return f"±{worst:.0%}"


def summarize(samples: Sequence[Sample]) -> list[list[str]]:
    """One row per operation and record size: medians of the repeats, worst peak RSS."""
    rows = []
    for op in OPS:
        for size in (work.size for work in WORKLOADS):

            def pick(client: str, op: str = op, size: int = size) -> list[Sample]:
                return [s for s in samples if (s.client, s.op, s.size) == (client, op, size)]

            java, py = pick("java"), pick("python")
            if not java or not py:
                continue
            j_eps = statistics.median(s.events_per_s for s in java)
            p_eps = statistics.median(s.events_per_s for s in py)
            rows.append(
                [
                    op,
                    f"{size:,} B",
                    f"{java[0].wanted:,} / {py[0].wanted:,}",
                    f"{j_eps:,.0f}",
                    f"{p_eps:,.0f}",
                    f"{p_eps / j_eps:.2f}×",
                    f"{statistics.median(s.mb_per_s for s in java):.1f}",
                    f"{statistics.median(s.mb_per_s for s in py):.1f}",
                    f"{max(s.peak_rss_mb for s in java):.0f} MiB",
                    f"{max(s.peak_rss_mb for s in py):.0f} MiB",
                    f"{_spread([s.events_per_s for s in java])} / "
                    f"{_spread([s.events_per_s for s in py])}",
                ]
            )
    return rows


def section(samples: Sequence[Sample], kafka: BenchKafka, repeats: int, load: float) -> str:
    """The Markdown this benchmark owns in docs/benchmarks.md."""
    facts = machine.describe()
    where = (
        "a fresh single-node KRaft broker started by the run (data on local disk)"
        if kafka.local
        else f"the cluster at `{kafka.bootstrap}` (HUB_KAFKA_BOOTSTRAP)"
    )
    settings = ProducerSettings()
    others = sorted(s.others_cores for s in samples)
    fetch_mib = FETCH["max_partition_fetch_bytes"] // 1024 // 1024
    buffer_mib = FETCH["receive_buffer_bytes"] // 1024 // 1024
    sizes = " and ".join(
        f"{w.java:,} (Java) or {w.python:,} (kafka-python) records of {w.size:,} B"
        for w in WORKLOADS
    )
    return report.reflow(f"""\
## {TITLE}

Measured {time.strftime("%Y-%m-%d")} by `python -m bench` on {machine.one_line(facts)};
Kafka {kafka.kafka_version} tools against {where}. Each figure is the median of {repeats}
runs; *spread* is the largest deviation of one run's events/s from that median. Other work
on the machine widens the spread: the load average was {load:.2f} when the run began, and
other processes used {statistics.median(others):.2f} cores (median; worst
{others[-1]:.2f}) while the measurements ran.

{report.markdown_table(HEADERS, summarize(samples), ALIGN)}

**How to read it.** Each row compares kafka-python with Kafka's own Java perf tool doing
the same work against the same broker in the same run; the *kafka-python ÷ Java* column is
the ratio of their events/s (1.00× = as fast as the Java client, 0.25× = a quarter of
it). Since the broker is the same, the ratio shows what the client costs; client and
broker share the machine's cores, so a hungrier client also slows the broker. Anything the hub
builds on kafka-python (Avro encoding, the SDK, connectors) can at best reach the
kafka-python column; later benchmarks report themselves against it.

**What runs.**

- *Workloads:* {sizes} per measurement, so that each run lasts seconds (shorter Java
  runs mostly measure JVM warm-up); keyless records whose values are random uppercase
  letters; a fresh {PARTITIONS}-partition topic for each producer measurement.
- *Producers:* `ProducerPerformance --throughput -1` and kafka-python's `KafkaProducer`
  (`send()` per record, one `flush()` at the end), both timed from the first send until
  every record is acknowledged. Settings on both sides: {settings.describe()}. For keyless
  records the Java client uses its sticky partitioner, kafka-python a random partition
  per record.
- *Consumers:* both read the topic `ProducerPerformance` just wrote, from the earliest
  offset until their number of records is in. `ConsumerPerformance` joins a consumer group; its
  `fetch.*` rates, which leave the group join out, are reported. kafka-python assigns the
  partitions itself (no group) and is timed from its first `poll()` to the last record.
  Both fetch at most {fetch_mib} MiB per partition with a {buffer_mib} MiB receive buffer
  and verify record CRCs; kafka-python's CRC-32C here is {crc32c_backend()}.
- *Processes:* each measurement is its own process, a JVM with `-Xmx512M` (as Kafka's
  `kafka-*-perf-test.sh` scripts run it) or a fresh Python interpreter; *peak RSS* is that
  process's high-water mark of resident memory (`VmHWM` in `/proc`, read while it runs),
  the worst of the runs, runtime included. Which client goes first alternates from run to run.
- *Units:* MB = 2<sup>20</sup> bytes of record values, as Kafka's tools count.
""")


def save_raw(samples: Sequence[Sample]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{NAME}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps([asdict(s) for s in samples], indent=2) + "\n")


def run(ctx: Context) -> None:
    console = Console()
    kafka = ctx.kafka()
    scale, repeats = (10, 1) if ctx.quick else (1, REPEATS)
    bench = Baseline(kafka, JavaTools(kafka, ctx.scratch(NAME)), console)
    samples: list[Sample] = []
    started = time.monotonic()
    try:
        console.print(f"[bold]{TITLE}[/] against {kafka.bootstrap}")
        bench.warm_up(scale)
        for repeat in range(repeats):
            for work in WORKLOADS:
                samples += bench.round(repeat, work, scale)
    finally:
        kafka.delete_topics(bench.topics)
    save_raw(samples)
    rows = summarize(samples)
    report.print_table(f"{TITLE} (median of {repeats})", HEADERS, rows, ALIGN)
    console.print(f"{len(samples)} measurements in {time.monotonic() - started:.0f}s")
    ctx.write_section(NAME, section(samples, kafka, repeats, ctx.load_at_start))
