"""sql-poll: rows of a PostgreSQL table published as events, beside a raw producer loop.

Each measurement runs in a fresh interpreter (``python -m bench.sql_poll --child`` reading a
JSON spec on stdin and printing a JSON result), so its peak RSS is its own:

* *sql-poll*: the ``sql-poll`` source driven by the hub's ``SourceRunner`` as ``hub run``
  drives it: SELECT a batch, map each row to a CaseOpened event, encode, publish the batch
  and its position in one Kafka transaction, until a poll finds no more rows; timed from
  the first poll to that empty poll.
* *raw loop*: the same rows turned into the same encoded records before the clock starts,
  then sent by a plain kafka-python producer loop (``send()`` per record, one ``flush()``),
  with the runner's producer settings but without transactions: what Kafka alone costs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from kafka import KafkaProducer
from prometheus_client import CollectorRegistry

from bench.proc import MeasureFailed, run_measured
from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.source import SqlPollSource
from hub.connection import KafkaConnection
from hub.events import Catalog, Encoder, Event
from hub.runtime.metrics import SourceMetrics
from hub.runtime.positions import positions_topic_spec
from hub.runtime.source_runner import SourceRunner
from hub.runtime.topics import (
    TopicSpec,
    deadletter_topic,
    ensure_topics,
    event_topics,
    positions_topic,
)
from hub.sdk import Batch, Position, SourceContext

NAME = "sql_poll"
TITLE = "sql-poll: table rows to events"
ROWS = 100_000
REPEATS = 3
DEFAULT_BATCH = int(SqlPollConfig.model_fields["batch_size"].default)
BATCH_SIZES = (DEFAULT_BATCH, 1000)  # the default, and a fifth of it
GOAL_RATIO = 0.7
GOAL_RSS_MB = 150
COMMAND = ".venv/bin/python -m bench sql_poll"
if TYPE_CHECKING:  # the measured child imports only what the hub runs
    from bench.broker import BenchKafka
    from hub.localpg import LocalPostgres

ROOT = Path(__file__).resolve().parents[1]

SOURCE = "bench-sql-poll"

TABLE = """
CREATE TABLE arende (
    id          bigserial PRIMARY KEY,
    diarienr    text,
    serie       text NOT NULL,
    arendetyp   text NOT NULL,
    rubrik      text,
    registrerad timestamp NOT NULL,
    inkom       date,
    sekretess   text NOT NULL
)
"""
FILL = """
INSERT INTO arende (diarienr, serie, arendetyp, rubrik, registrerad, inkom, sekretess)
SELECT 'BN 2026-' || lpad(n::text, 6, '0'), 'BN', 'BYGGLOV',
       'Nybyggnad av enbostadshus, fastighet Exempel ' || n,
       timestamp '2026-03-02 08:00' + n * interval '1 second',
       date '2026-02-27' + (n % 300),
       (ARRAY['PUBLIC', 'PARTLY_SECRET', 'SECRET'])[1 + n % 3]
FROM generate_series(1, :rows) AS n
"""


def config(url: str, batch_size: int = DEFAULT_BATCH, in_worker: bool = True) -> SqlPollConfig:
    """The table as CaseOpened events, read by id."""
    return SqlPollConfig.model_validate(
        {
            "url": url,
            "table": "arende",
            "id_column": "id",
            "batch_size": batch_size,
            "encode_in_worker": in_worker,
            "poll_interval": 0.05,
            "municipality_code": "2480",
            "system": "diarium",
            "mapping": {
                "event": "CaseOpened",
                "fields": {
                    "caseNumber": "diarienr",
                    "municipality.code": {"const": "2480"},
                    "municipality.organisationNumber": {"const": "212000-2627"},
                    "openedAt": "registrerad",
                    "receivedOn": "inkom",
                    "registry": "serie",
                    "caseType": "arendetyp",
                    "title": {"template": "{arendetyp}: {rubrik}"},
                    "secrecy": "sekretess",
                },
            },
        }
    )


# --- in the child interpreter ------------------------------------------------------------


def _catalog() -> Catalog:
    return Catalog.load(ROOT / "schemas")


def measure_sql_poll(spec: dict[str, Any]) -> dict[str, Any]:
    conn = KafkaConnection.model_validate(spec["kafka"])
    catalog, prefix = _catalog(), spec["prefix"]
    source = SqlPollSource(config(spec["db"], spec["batch_size"], spec["op"] == "sql-poll"))
    first: list[float] = []
    done: list[float] = []
    poll = source.poll

    def timed_poll(position: Position | None) -> Batch | None:
        if not first:
            first.append(time.perf_counter())
        return poll(position)

    source.poll = timed_poll  # type: ignore[method-assign]
    stopping = threading.Event()

    def idle() -> None:
        done.append(time.perf_counter())
        stopping.set()

    registry = CollectorRegistry()
    runner = SourceRunner(
        SOURCE,
        source,
        conn=conn,
        encoder=Encoder(catalog, topic_prefix=prefix),
        prefix=prefix,
        positions_topic=positions_topic(prefix),
        metrics=SourceMetrics.create(registry),
        stopping=stopping,
        on_idle=idle,
        catalog=catalog,
    )
    runner.run()
    if runner.failed is not None or not done:
        raise MeasureFailed(f"sql-poll stopped: {runner.failed!r}")
    labels = {"connector": SOURCE, "type": catalog.get("CaseOpened").type}
    published = registry.get_sample_value("hub_source_events_published_total", labels) or 0
    return {"records": int(published), "seconds": done[0] - first[0]}


def measure_raw(spec: dict[str, Any]) -> dict[str, Any]:
    """The same rows as the same records, sent by a plain producer loop."""
    conn = KafkaConnection.model_validate(spec["kafka"])
    catalog = _catalog()
    source = SqlPollSource(config(spec["db"]))
    source.open(SourceContext(SOURCE, catalog=catalog))
    events: list[Event] = []
    position: Position | None = None
    while (batch := source.poll(position)) is not None:
        events.extend(batch.events)
        position = batch.position
    source.close()
    encoder = Encoder(catalog, topic_prefix=spec["prefix"])
    records = [encoder.encode(event) for event in events]
    del events
    failures: list[BaseException] = []
    producer = KafkaProducer(
        **conn.client_config(), acks="all", linger_ms=5, enable_idempotence=True
    )
    try:
        started = time.perf_counter()
        for rec in records:
            future = producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)
            future.add_errback(failures.append)
        producer.flush()
        seconds = time.perf_counter() - started
    finally:
        producer.close()
    if failures:
        raise MeasureFailed(f"{len(failures)} sends failed, first: {failures[0]!r}")
    return {"records": len(records), "seconds": seconds}


def child() -> int:
    spec = json.loads(sys.stdin.read())
    measure = measure_raw if spec["op"] == "raw" else measure_sql_poll
    print(json.dumps(measure(spec)))
    return 0


# --- in the benchmark run ----------------------------------------------------------------


def _kafka_spec(conn: KafkaConnection) -> dict[str, Any]:
    """The connection for a child, secret included (it goes over stdin, not argv)."""
    spec = conn.model_dump(mode="json", exclude={"sasl_password"})
    if conn.sasl_password is not None:
        spec["sasl_password"] = conn.sasl_password.get_secret_value()
    return spec


def _topics(catalog: Catalog, prefix: str) -> list[TopicSpec]:
    specs = [TopicSpec(t) for t in event_topics(catalog, prefix)]
    return [
        *specs,
        positions_topic_spec(positions_topic(prefix)),
        TopicSpec(deadletter_topic(prefix, SOURCE)),
    ]


def _measure(kafka: BenchKafka, side: tuple[str, int], db: str, rows: int) -> dict[str, Any]:
    op, batch_size = side
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    catalog = _catalog()
    topics = _topics(catalog, prefix)
    ensure_topics(kafka.connection, topics)
    spec = {
        "op": op,
        "batch_size": batch_size,
        "kafka": _kafka_spec(kafka.connection),
        "db": db,
        "prefix": prefix,
    }
    try:
        run = run_measured(
            [sys.executable, "-m", "bench.sql_poll", "--child"],
            stdin_text=json.dumps(spec),
            cwd=ROOT,
            timeout=600,
        ).check()
    finally:
        kafka.delete_topics(t.name for t in topics)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if result["records"] != rows:
        raise MeasureFailed(f"{op} published {result['records']} of {rows} rows")
    return {"side": side, "rate": rows / result["seconds"], "rss": run.peak_rss_mb}


def seeded_database(folder: Any, rows: int) -> tuple[LocalPostgres, str]:
    from hub.localpg import LocalPostgres

    server = LocalPostgres(folder).start()
    engine = sa.create_engine(server.url())
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(TABLE))
            conn.execute(sa.text(FILL), {"rows": rows})
            conn.execute(sa.text("ANALYZE arende"))
    finally:
        engine.dispose()
    return server, server.url()


SIDES = (*(("sql-poll", size) for size in BATCH_SIZES), ("in-process", DEFAULT_BATCH), ("raw", 0))


def _label(side: tuple[str, int]) -> str:
    op, size = side
    if op == "raw":
        return "raw kafka-python loop"
    if op == "in-process":
        return f"sql-poll, batch_size {size:,}, encode_in_worker false"
    default = " (default)" if size == DEFAULT_BATCH else ""
    return f"sql-poll, batch_size {size:,}{default}"


def _reading(median: Callable[[tuple[str, int]], float], rows: int) -> str:
    """What the two batch sizes say about the cost of one transaction."""
    big, small = max(BATCH_SIZES), min(BATCH_SIZES)
    extra = rows / median(("sql-poll", small)) - rows / median(("sql-poll", big))
    per_txn = extra / (rows / small - rows / big) * 1000
    return (
        f"**Reading it.** Both sql-poll rows do the same work per row; they differ in the "
        f"number of batches ({rows // small:,} against {rows // big:,}). The difference in "
        "their times puts the fixed cost of one batch, almost all of it its Kafka "
        "transaction (adding the partitions, the position record, the commit waiting for "
        f"every acknowledgement), at about {per_txn:,.0f} ms on this machine, which is why "
        f"the default batch is {DEFAULT_BATCH:,} rows. While rows trickle in, batches are "
        "small whatever the setting; "
        "the batch size matters when a source catches up (a first load, or after an outage)."
    )


def section(results: list[dict[str, Any]], rows: int, repeats: int, load: float) -> str:
    from bench import report

    def rates(side: tuple[str, int]) -> list[float]:
        return [r["rate"] for r in results if r["side"] == side]

    def median(side: tuple[str, int]) -> float:
        return statistics.median(rates(side))

    def spread(side: tuple[str, int]) -> str:
        mid = median(side)
        return f"±{max(abs(rate - mid) for rate in rates(side)) / mid:.0%}"

    def peak(side: tuple[str, int]) -> float:
        return max(r["rss"] for r in results if r["side"] == side)

    raw = median(("raw", 0))
    headers = ("producer", "rows", "events/s", "spread", "÷ raw loop", "peak RSS", "goal")
    table_rows = []
    for side in SIDES:
        rate, rss = median(side), peak(side)
        goal = ""
        if side[0] != "raw":
            met = rate / raw >= GOAL_RATIO and rss <= GOAL_RSS_MB
            goal = f"≥ {GOAL_RATIO}× and ≤ {GOAL_RSS_MB} MiB: {'met' if met else 'missed'}"
        table_rows.append(
            [
                _label(side),
                f"{rows:,}",
                f"{rate:,.0f}",
                spread(side),
                f"{rate / raw:.2f}×",
                f"{rss:.0f} MiB",
                goal,
            ]
        )
    report.print_table(TITLE, headers, table_rows, "lrrrrrl")
    return "\n".join(
        [
            f"## {TITLE}",
            "",
            report.reflow(
                f"Measured {time.strftime('%Y-%m-%d')} with `{COMMAND}` (CPython "
                f"{sys.version.split()[0]}) against a fresh local PostgreSQL and the run's "
                f"broker. Each figure is the median of {repeats} runs (peak RSS: the worst); "
                "*spread* is the largest deviation of one run's events/s from that median; the "
                f"order of the sides rotates from run to run. The load average was {load:.2f} "
                "when the run began (other work on the machine widens the spread)."
            ),
            "",
            report.markdown_table(headers, table_rows, "lrrrrrl"),
            "",
            report.reflow(_reading(median, rows)),
            "",
            report.reflow(
                f"**What runs.** A table of {rows:,} case rows (text, a naive timestamp, a "
                "date, an enum-valued text column) read by `sql-poll` in `incrementing` mode, "
                "each row mapped to a CaseOpened event (constants, a template, a date and a "
                "timestamp converted to the schema's logical types), encoded, and published "
                "with its batch's position in one Kafka transaction per batch by the hub's "
                "`SourceRunner`; timed from its first poll to the poll that finds no more "
                "rows. By default (`encode_in_worker`) the poll reads only the ids of a batch "
                "and the runtime's encoding worker, a second process, reads its rows, maps "
                "and encodes them while the runner sends; with `encode_in_worker false` the "
                "poll does it all on the runner's interpreter. The *raw loop* sends the "
                "very same encoded records (same keys, "
                "values, headers, a topic with 3 partitions) from a kafka-python "
                "`KafkaProducer` (`send()` per record, one `flush()`), with the runner's "
                "settings `acks=all`, `linger.ms=5`, idempotence on, but no transactions; "
                "building its records happens before its clock starts. Each side runs in a "
                "fresh interpreter; *peak RSS* is that process's high-water mark of "
                "resident memory (`VmHWM` in `/proc`, read while it runs), interpreter "
                "included, plus its encoding worker's; the raw loop's holds all its records "
                "at once, sql-poll's about one batch."
            ),
        ]
    )


def run(ctx: Any) -> None:
    """Entry point for ``python -m bench``."""
    rows, repeats = (ROWS // 10, 1) if ctx.quick else (ROWS, REPEATS)
    kafka = ctx.kafka()
    server, url = seeded_database(ctx.scratch("sql-poll-postgres"), rows)
    results = []
    try:
        for repeat in range(repeats):
            shift = repeat % len(SIDES)
            for side in SIDES[shift:] + SIDES[:shift]:
                results.append(_measure(kafka, side, url, rows))
                last = results[-1]
                print(f"{_label(side)}: {last['rate']:,.0f} events/s, {last['rss']:.0f} MiB")
    finally:
        server.stop("fast")
    load = float(getattr(ctx, "load_at_start", 0.0))
    ctx.write_section(NAME, section(results, rows, repeats, load))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sql_poll")
    parser.add_argument("--child", action="store_true", help="measure one side (spec on stdin)")
    args = parser.parse_args(argv)
    if args.child:
        return child()
    parser.error("run it as `python -m bench sql_poll`")
    return 2


if __name__ == "__main__":
    sys.exit(main())
