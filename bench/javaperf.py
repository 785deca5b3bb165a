"""Kafka's own perf tools (ProducerPerformance, ConsumerPerformance) from the fetched jars."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.broker import BenchKafka
from bench.proc import Finished, MeasureFailed, run_measured

PRODUCER_TOOL = "org.apache.kafka.tools.ProducerPerformance"
CONSUMER_TOOL = "org.apache.kafka.tools.ConsumerPerformance"
# As Kafka's kafka-*-perf-test.sh scripts run them; an English locale keeps "1234.5" parseable.
JVM_OPTIONS = (
    "-Xmx512M",
    "-XX:+UseG1GC",
    "-Djava.awt.headless=true",
    "-Duser.language=en",
    "-Duser.country=US",
)
_LOG4J = """\
status = error
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = err
"""
# The final line also gives percentiles ("... ms 50th"); progress lines every 5 s do not.
_PRODUCER_TOTAL = re.compile(
    r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\).* ms 50th"
)


@dataclass(frozen=True)
class Rate:
    """Throughput of one measurement; MB are 2^20 bytes of record values, as Kafka counts."""

    records: int
    events_per_s: float
    mb_per_s: float


def parse_producer(output: str) -> Rate:
    """The final summary line of ProducerPerformance."""
    totals = [m for line in output.splitlines() if (m := _PRODUCER_TOTAL.search(line))]
    if not totals:
        raise MeasureFailed(f"no summary line in ProducerPerformance output:\n{output[-2000:]}")
    records, per_s, mb_s = totals[-1].groups()
    return Rate(int(records), float(per_s), float(mb_s))


def parse_consumer(output: str) -> Rate:
    """ConsumerPerformance's result row, using its fetch rates (group join excluded)."""
    lines = [line for line in output.splitlines() if line.count(",") >= 9]
    header = next((i for i, line in enumerate(lines) if line.startswith("start.time")), None)
    if header is None or header + 1 >= len(lines):
        raise MeasureFailed(f"no result row in ConsumerPerformance output:\n{output[-2000:]}")
    names = [name.strip() for name in lines[header].split(",")]
    values = dict(zip(names, (v.strip() for v in lines[header + 1].split(",")), strict=False))
    return Rate(
        int(values["data.consumed.in.nMsg"]),
        float(values["fetch.nMsg.sec"]),
        float(values["fetch.MB.sec"]),
    )


class JavaTools:
    """Runs the perf tools against one cluster; each run is a fresh JVM."""

    def __init__(self, kafka: BenchKafka, workdir: Path) -> None:
        java = shutil.which("java")
        if java is None:
            raise MeasureFailed("no `java` on PATH for Kafka's perf tools")
        self.kafka = kafka
        self.java = java
        self.log4j = workdir / "tools-log4j2.properties"
        self.log4j.write_text(_LOG4J)
        self.client_file = kafka.write_java_properties(workdir / "client.properties")

    def _command(self, tool: str, *args: str) -> list[str]:
        return [
            self.java,
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            f"{self.kafka.jars}/*",
            tool,
            *args,
        ]

    def produce(
        self, topic: str, records: int, size: int, settings: Mapping[str, str]
    ) -> tuple[Rate, Finished]:
        run = run_measured(
            self._command(
                PRODUCER_TOOL,
                "--topic", topic,
                "--num-records", str(records),
                "--record-size", str(size),
                "--throughput", "-1",
                "--producer.config", str(self.client_file),
                "--producer-props", *(f"{k}={v}" for k, v in settings.items()),
            ),
            timeout=300,
        ).check()  # fmt: skip
        rate = parse_producer(run.stdout)
        if rate.records != records:
            raise MeasureFailed(f"ProducerPerformance sent {rate.records} of {records} records")
        return rate, run

    def consume(self, topic: str, records: int, group: str) -> tuple[Rate, Finished]:
        run = run_measured(
            self._command(
                CONSUMER_TOOL,
                "--bootstrap-server", self.kafka.bootstrap,
                "--consumer.config", str(self.client_file),
                "--topic", topic,
                "--messages", str(records),
                "--group", group,
                "--timeout", "30000",
            ),
            timeout=300,
        ).check()  # fmt: skip
        rate = parse_consumer(run.stdout)
        if rate.records < records:
            raise MeasureFailed(f"ConsumerPerformance read {rate.records} of {records} records")
        return rate, run
