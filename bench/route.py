"""route: one route process, Avro in -> filter -> transform -> kafka sink, beside a raw
kafka-python consume -> produce pass-through over the same input, in the same run.

Every route and pass-through runs in a fresh interpreter (``python -m bench.route --child``
reading a JSON spec on stdin and printing a JSON result), so its peak RSS is its own:

* *route*: ``hub.yaml`` with one route, loaded by ``hub.config.load_config`` and run by
  ``hub.runtime.app.Runtime`` as ``hub run`` runs it: a ``RouteRunner`` consuming
  ``read_committed`` in its group, decoding, filtering, protecting, transforming, and the
  ``kafka`` sink publishing inside one transaction per poll with the consumed offsets;
* *pass-through*: the same consumer and transactional producer settings, copying each
  record's key, value and headers unchanged, one transaction per poll with
  ``send_offsets_to_transaction``: what Kafka and kafka-python alone cost.

Two measurements:

* *throughput*: 100,000 CaseOpened events published beforehand; timed from the first
  polled batch until the transaction holding the last one has committed; checked by
  reading the output topic back with ``read_committed``;
* *latency*: a driver process sends events at a steady 1,000/s (event time = send time)
  and a ``read_committed`` consumer in that process reads the output; latency is from an
  event's time to the moment its output record comes out of that consumer's poll.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from bench import report
from bench.broker import ROOT, BenchKafka
from bench.cpu import Snapshot, own_seconds, process_seconds
from bench.proc import MeasureFailed, children, high_water_kib, run_measured
from bench.readback import (
    StepTimes,
    connection,
    count_committed,
    kafka_spec,
    keep,
    median,
    peak_rss_mib,
    spread,
)
from connectors.kafka_sink.sink import TopicSink
from hub.config import load_config
from hub.events import Catalog, Decoder, Encoder, Event, source_uri
from hub.events.headers import parse_time
from hub.routing.pipeline import Pipeline
from hub.routing.runner import RouteRunner
from hub.routing.transform import Transform
from hub.runtime.app import Runtime
from hub.runtime.producers import TRANSACTION_STEP_RETRY_MS
from hub.runtime.retry import TRANSACTION_RETRY_BACKOFF_MS
from hub.runtime.topics import (
    TopicSpec,
    deadletter_topic,
    ensure_topics,
    event_topics,
    positions_topic,
)
from hub.sdk import Registry

NAME = "route"
TITLE = "Route: Avro in, filter, transform, kafka sink"
EVENTS = 100_000
REPEATS = 3
RATE = 1_000  # events/s in the latency measurement
SECONDS = 30  # of paced sending per latency measurement
WARMUP = 100  # events through the route before the paced ones, waited for
PARTITIONS = 3
PROFILED = 30_000  # events in the instrumented runs
MAX_POLL_RECORDS = 200  # RouteRunner's default, and the pass-through's
GOAL_RATIO = 0.6
GOAL_P99_MS = 50.0
COMMAND = ".venv/bin/python -m bench route"
CASE_OPENED = "CaseOpened"

ROUTES = {
    "derived": """\
  - name: {name}
    from: {{domains: [registry], types: [CaseOpened]}}
    filter: 'data.secrecy == "PUBLIC"'
    transform:
      caseNumber: data.caseNumber
      municipality.code: data.municipality.code
      municipality.organisationNumber: data.municipality.organisationNumber
      changedAt: data.openedAt
      status: {{const: OPEN}}
      reason: {{template: "{{data.caseType}}: {{data.title}}"}}
    sink: {{type: kafka, config: {{topic: {topic}, event: CaseStatusChanged}}}}
""",
    "unchanged": """\
  - name: {name}
    from: {{domains: [registry], types: [CaseOpened]}}
    filter: 'data.secrecy == "PUBLIC"'
    sink: {{type: kafka, config: {{topic: {topic}}}}}
""",
}
ROUTES["inprocess"] = ROUTES["derived"] + "    process_in_worker: false\n"
LABELS = {
    "derived": "route: filter, transform, derived CaseStatusChanged",
    "inprocess": "the same route, `process_in_worker: false`",
    "unchanged": "route: filter, the event passed on as it is",
    "raw": "raw kafka-python pass-through",
    "direct": "no consume → produce: the input read directly",
}
THROUGHPUT_SIDES = ("derived", "unchanged", "inprocess", "raw")
PROFILED_SIDES = ("derived", "unchanged", "raw")  # the routes' work timed in their process
LATENCY_SIDES = ("derived", "raw", "direct")


def _catalog() -> Catalog:
    return Catalog.load(ROOT / "schemas")


def _cpu() -> float:
    """CPU seconds of this process and its children (a route's worker) so far."""
    return own_seconds() + sum(map(process_seconds, children()))


def _peak_rss_mib() -> float:
    """Peak resident memory of this process plus that of its children (a route's worker)."""
    return peak_rss_mib() + sum(map(high_water_kib, children())) / 1024


def case_opened(number: int, time: dt.datetime) -> Event:
    """A public CaseOpened for case ``KS 2026/<n>`` (the shape tests/factories.py builds)."""
    data: dict[str, Any] = {
        "caseNumber": f"KS 2026/{number:06d}",
        "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
        "openedAt": dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC),
        "registry": "KS",
        "caseType": "Medborgarförslag",
        "secrecy": "PUBLIC",
        "title": f"Förslag om cykelbana, nummer {number}",
    }
    return Event(
        type="se.kommun.hub.registry.CaseOpened.v1",
        source=source_uri("2480", "diarium"),
        data=data,
        time=time,
    )


def hub_yaml(folder: Path, bootstrap: str, prefix: str, variant: str, name: str, out: str) -> Path:
    path = folder / f"hub-{name}.yaml"
    path.write_text(
        f"kafka:\n  bootstrap_servers: {bootstrap}\n  topic_prefix: {prefix}\n"
        "observability:\n  port: 0\n"
        "routes:\n" + ROUTES[variant].format(name=name, topic=out),
        encoding="utf-8",
    )
    return path


# --- in a child interpreter --------------------------------------------------------------


def _stop_on_sigterm() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    return stop


def _runtime(spec: dict[str, Any]) -> Runtime:
    catalog = _catalog()
    loaded = load_config(Path(spec["config"]), Registry.discover(), os.environ, catalog)
    if spec.get("instrument"):  # each step timed where it runs: in the route's process
        routes = [
            dataclasses.replace(r, spec=r.spec.model_copy(update={"process_in_worker": False}))
            for r in loaded.routes
        ]
        loaded = dataclasses.replace(loaded, routes=routes)
    return Runtime(loaded, conn=connection(spec["kafka"]), catalog=catalog, serve_http=False)


def _instrument(spec: dict[str, Any]) -> StepTimes | None:
    """For the runs that find where the time goes: the thread CPU of each step."""
    if not spec.get("instrument"):
        return None
    steps = StepTimes()
    steps.wrap(KafkaConsumer, "poll", "poll")
    steps.wrap(Decoder, "decode", "decode")
    steps.wrap(Pipeline, "process", "pipeline")
    steps.wrap(Transform, "apply", "transform")
    steps.wrap(TopicSink, "records", "sink")
    steps.wrap(KafkaProducer, "send", "send")
    for name in ("begin_transaction", "send_offsets_to_transaction", "commit_transaction"):
        steps.wrap(KafkaProducer, name, "transaction")
    return steps


def _mark(marks: dict[str, float], which: str, steps: StepTimes | None) -> None:
    """Wall clock, process CPU and this thread's CPU at the start or end of the timing."""
    if which == "start" and steps is not None:
        steps.seconds.clear()  # what came before (joining the group) is not timed
    marks[which] = time.perf_counter()
    marks[f"{which}_cpu"] = _cpu()
    marks[f"{which}_thread"] = time.thread_time()


def run_route(spec: dict[str, Any]) -> dict[str, Any]:
    """The route as ``hub run`` runs it; until ``events`` are through (or SIGTERM)."""
    wanted: int | None = spec.get("events")
    stop = _stop_on_sigterm()
    steps = _instrument(spec)
    marks: dict[str, float] = {"count": 0}
    transactions: list[tuple[float, int]] = []  # (seconds, events) of each
    original = RouteRunner._transact

    def timed(runner: RouteRunner, polled: Any, *ahead: Any) -> None:  # the route's thread
        if "start" not in marks:
            _mark(marks, "start", steps)
        started = time.perf_counter()
        original(runner, polled, *ahead)  # returns once the transaction has committed
        size = sum(len(records) for records in polled.values())
        transactions.append((time.perf_counter() - started, size))
        marks["count"] += size
        if wanted is not None and marks["count"] >= wanted and "end" not in marks:
            _mark(marks, "end", None)
            stop.set()

    RouteRunner._transact = timed  # type: ignore[method-assign,assignment]
    runtime = _runtime(spec)
    runtime.start()
    try:
        deadline = time.monotonic() + spec["timeout"]
        while not stop.wait(0.2):
            failed = [w.name for w in runtime.workers if not w.healthy()]
            if failed or time.monotonic() > deadline:
                raise MeasureFailed(f"route {failed or 'too slow'}: {marks['count']:.0f} done")
    finally:
        rss = _peak_rss_mib()  # while the worker still runs
        runtime.stop()
    registry = runtime.registry
    route = runtime.routes[0].spec.name
    letters = sum(
        s.value
        for metric in registry.collect()
        if metric.name == "hub_route_dead_letters"
        for s in metric.samples
        if s.name.endswith("_total") and s.labels.get("route") == route
    )
    return _result(marks, steps, transactions, {"dead_letters": int(letters), "rss": rss})


def run_raw(spec: dict[str, Any]) -> dict[str, Any]:
    """Consume read_committed, copy each record, commit the offsets in the transaction."""
    conn, wanted = connection(spec["kafka"]), spec.get("events")
    stop = _stop_on_sigterm()
    steps = _instrument(spec)
    marks: dict[str, float] = {"count": 0}
    transactions: list[tuple[float, int]] = []  # (seconds, events) of each
    consumer = KafkaConsumer(
        **conn.client_config(),
        group_id=spec["group"],
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        max_poll_records=MAX_POLL_RECORDS,
        max_poll_interval_ms=15 * 60 * 1000,
    )
    producer = KafkaProducer(
        **conn.client_config(),
        transactional_id=f"{spec['group']}.{uuid.uuid4().hex}",
        acks="all",
        linger_ms=5,
        # the route's wait before resending a refused transaction request; kafka-python's
        # public setting shortens its other retries too, of which a healthy broker has none
        retry_backoff_ms=TRANSACTION_STEP_RETRY_MS,
    )
    out = spec["output"]
    deadline = time.monotonic() + spec["timeout"]
    try:
        producer.init_transactions()
        consumer.subscribe([spec["input"]])
        while not stop.is_set():
            if time.monotonic() > deadline:
                raise MeasureFailed(f"pass-through too slow: {marks['count']:.0f} done")
            polled = consumer.poll(timeout_ms=500)
            if not polled:
                continue
            if "start" not in marks:
                _mark(marks, "start", steps)
            started = time.perf_counter()
            producer.begin_transaction()
            offsets = {}
            for tp, records in polled.items():
                for rec in records:
                    producer.send(out, key=rec.key, value=rec.value, headers=rec.headers)
                offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            producer.commit_transaction()
            size = sum(len(records) for records in polled.values())
            transactions.append((time.perf_counter() - started, size))
            marks["count"] += size
            if wanted is not None and marks["count"] >= wanted:
                _mark(marks, "end", None)
                break
    finally:
        consumer.close()
        producer.close()
    return _result(marks, steps, transactions, {})


def _result(
    marks: dict[str, float],
    steps: StepTimes | None,
    transactions: list[tuple[float, int]],
    extra: dict[str, Any],
) -> dict[str, Any]:
    out = {"records": int(marks["count"]), "rss": peak_rss_mib(), **extra}
    if transactions:
        out["txn_seconds"] = median([seconds for seconds, _ in transactions])
        out["txn_events"] = median([size for _, size in transactions])
    if "end" in marks:
        out["seconds"] = marks["end"] - marks["start"]
        out["cpu"] = marks["end_cpu"] - marks["start_cpu"]
        out["thread"] = marks["end_thread"] - marks["start_thread"]
    if steps is not None:
        out["steps"] = steps.seconds
    return out


def drive(spec: dict[str, Any]) -> dict[str, Any]:
    """Send at a steady rate; time each event to its output record read ``read_committed``."""
    sys.setswitchinterval(0.0005)  # the consuming thread gets the interpreter back quickly
    conn = connection(spec["kafka"])
    encoder = Encoder(_catalog(), topic_prefix=spec["prefix"])
    rate, seconds, warmup = spec["rate"], spec["seconds"], spec["warmup"]
    consumer = KafkaConsumer(
        **conn.client_config(),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )
    consumer.assign([TopicPartition(spec["output"], p) for p in range(spec["partitions"])])
    producer = KafkaProducer(**conn.client_config(), acks="all", linger_ms=0)
    seen: list[tuple[float, float]] = []  # (event time, latency), in arrival order
    stopping = threading.Event()

    def consume() -> None:
        while not stopping.is_set():
            polled = consumer.poll(timeout_ms=50)
            now = time.time()
            for records in polled.values():
                for rec in records:
                    raw = next(v for k, v in rec.headers if k == "ce_time")
                    sent = parse_time("ce_time", raw).timestamp()
                    seen.append((sent, now - sent))

    def send(number: int) -> None:
        rec = encoder.encode(case_opened(number, dt.datetime.now(dt.UTC)))
        producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)

    def wait_for(count: int, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while len(seen) < count:
            if time.monotonic() > deadline:
                raise MeasureFailed(f"{what}: {len(seen)} of {count} came out")
            time.sleep(0.05)

    reader = threading.Thread(target=consume, name="latency-reader", daemon=True)
    reader.start()
    try:
        for number in range(warmup):
            send(number)
        producer.flush()
        wait_for(warmup, 180, "warm-up")  # the route has joined its group and runs
        total = int(rate * seconds)
        started = time.time()
        clock = time.perf_counter()
        for i in range(total):
            pause = clock + i / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            send(warmup + i)
        sent_for = time.perf_counter() - clock
        producer.flush()
        wait_for(warmup + total, 120, "paced events")
    finally:
        stopping.set()
        reader.join(5)
        consumer.close()
        producer.close()
    latencies = sorted(lat for sent, lat in seen if sent >= started)
    if len(latencies) != total:
        raise MeasureFailed(f"{len(latencies)} of {total} paced events came out")
    return {
        "events": total,
        "rate": total / sent_for,
        "p50": _rank(latencies, 0.50),
        "p90": _rank(latencies, 0.90),
        "p99": _rank(latencies, 0.99),
        "max": latencies[-1],
    }


def _rank(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.5) - 1))]


def child() -> int:
    spec = json.loads(sys.stdin.read())
    work = {"route": run_route, "raw": run_raw, "drive": drive}[spec["op"]]
    result = json.dumps(work(spec))
    if "result_file" in spec:  # a server's output is mixed with its logs
        Path(spec["result_file"]).write_text(result)
    print(result, flush=True)
    return 0


# --- in the benchmark run ----------------------------------------------------------------


class Run:
    """One ``python -m bench route``: its topics, folders and child processes."""

    def __init__(self, kafka: BenchKafka, folder: Path) -> None:
        self.kafka = kafka
        self.folder = folder
        self.catalog = _catalog()
        self.topics: list[str] = []

    def prefix(self) -> str:
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        specs = [TopicSpec(t, PARTITIONS) for t in event_topics(self.catalog, prefix)]
        ensure_topics(self.kafka.connection, specs)
        self.topics += [s.name for s in specs]
        return prefix

    def output(self, prefix: str, label: str) -> str:
        name = f"{prefix}.out-{label}-{uuid.uuid4().hex[:6]}"
        self.topics.append(self.kafka.create_topic(name, PARTITIONS))
        return name

    def spec(self, side: str, prefix: str, out: str, **extra: Any) -> dict[str, Any]:
        base = {"kafka": kafka_spec(self.kafka.connection), "output": out, **extra}
        if side == "raw":
            topic = self.catalog.get(CASE_OPENED).topic(prefix)
            group = f"{prefix}.bench-raw-{uuid.uuid4().hex[:6]}"
            return {**base, "op": "raw", "input": topic, "group": group}
        name = f"bench-{side}-{uuid.uuid4().hex[:6]}"
        self.topics += [deadletter_topic(prefix, name), positions_topic(prefix)]
        config = hub_yaml(self.folder, self.kafka.bootstrap, prefix, side, name, out)
        return {**base, "op": "route", "config": str(config)}

    def publish(self, prefix: str, count: int) -> None:
        encoder = Encoder(self.catalog, topic_prefix=prefix)
        producer = KafkaProducer(**self.kafka.client_config(), acks="all", linger_ms=5)
        try:
            now = dt.datetime.now(dt.UTC)
            for number in range(count):
                rec = encoder.encode(case_opened(number, now))
                producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)
            producer.flush()
        finally:
            producer.close()

    def throughput(
        self, side: str, prefix: str, events: int, instrument: bool = False
    ) -> dict[str, Any]:
        """Over the backlog; an instrumented run stops after ``events`` (its batch may run
        over), is not checked by reading back, and reports its steps instead."""
        out = self.output(prefix, side)
        spec = self.spec(side, prefix, out, events=events, timeout=900, instrument=instrument)
        before = Snapshot.take(self.kafka.pid)
        run = run_measured(
            [sys.executable, "-m", "bench.route", "--child"],
            stdin_text=json.dumps(spec),
            cwd=ROOT,
            timeout=1000,
        ).check()
        others = Snapshot.take(self.kafka.pid).others_since(before, run.cpu_seconds)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        if not instrument:
            committed = count_committed(self.kafka.connection, [out])
            if committed != events or result.get("dead_letters"):
                raise MeasureFailed(
                    f"{side}: {committed} of {events} events came out, "
                    f"{result.get('dead_letters', 0)} dead letters"
                )
        return {
            "side": side,
            "records": result["records"],
            "rate": result["records"] / result["seconds"],
            "cpu": result["cpu"],
            "thread": result["thread"],
            "steps": result.get("steps", {}),
            "rss": result["rss"],
            "others": others,
        }

    def latency(self, side: str, seconds: float) -> dict[str, Any]:
        prefix = self.prefix()
        if side == "direct":  # the floor: the driver reads what it sends
            return self._drive(side, prefix, self.catalog.get(CASE_OPENED).topic(prefix), seconds)
        out = self.output(prefix, side)
        served = self.folder / f"served-{uuid.uuid4().hex[:8]}.json"
        serve = self.spec(side, prefix, out, timeout=seconds + 600, result_file=str(served))
        drive = self._drive_spec(prefix, out, seconds)
        with tempfile.TemporaryFile() as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "bench.route", "--child"],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                cwd=ROOT,
            )
            try:
                assert server.stdin is not None
                server.stdin.write(json.dumps(serve).encode())
                server.stdin.close()
                before = Snapshot.take(self.kafka.pid)
                driven = run_measured(
                    [sys.executable, "-m", "bench.route", "--child"],
                    stdin_text=json.dumps(drive),
                    cwd=ROOT,
                    timeout=seconds + 600,
                )
                server.send_signal(signal.SIGTERM)
                status, usage = _wait4(server, 60)
                others = Snapshot.take(self.kafka.pid).others_since(
                    before, driven.cpu_seconds + usage.ru_utime + usage.ru_stime
                )
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
            log.seek(0)
            said = log.read().decode(errors="replace")[-2000:]
        if driven.returncode != 0 or os.waitstatus_to_exitcode(status) != 0:
            raise MeasureFailed(f"driver: {driven.stderr[-1500:]}\n{side}: {said}")
        result = json.loads(driven.stdout.strip().splitlines()[-1])
        server_side = json.loads(served.read_text())
        return {
            "side": side,
            **result,
            "txn_seconds": server_side.get("txn_seconds"),
            "txn_events": server_side.get("txn_events"),
            "rss": server_side["rss"],
            "others": others,
        }

    def _drive_spec(self, prefix: str, out: str, seconds: float) -> dict[str, Any]:
        """The driver's job: send at ``RATE`` for ``seconds``, time each event out of ``out``."""
        return {
            "op": "drive",
            "kafka": kafka_spec(self.kafka.connection),
            "prefix": prefix,
            "output": out,
            "partitions": PARTITIONS,
            "rate": RATE,
            "seconds": seconds,
            "warmup": WARMUP,
        }

    def _drive(self, side: str, prefix: str, out: str, seconds: float) -> dict[str, Any]:
        spec = self._drive_spec(prefix, out, seconds)
        before = Snapshot.take(self.kafka.pid)
        driven = run_measured(
            [sys.executable, "-m", "bench.route", "--child"],
            stdin_text=json.dumps(spec),
            cwd=ROOT,
            timeout=seconds + 600,
        ).check()
        others = Snapshot.take(self.kafka.pid).others_since(before, driven.cpu_seconds)
        result = json.loads(driven.stdout.strip().splitlines()[-1])
        return {"side": side, **result, "others": others}

    def close(self) -> None:
        self.kafka.delete_topics(sorted(set(self.topics)))


def _wait4(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any]:
    """Reap ``proc`` (killed after ``timeout``): its wait status and resource usage."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        time.sleep(0.05)
    proc.kill()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return status, usage


STEPS = (  # label, what it is
    ("poll", "`poll()`: fetching and reading records (kafka-python)"),
    ("decode", "decoding: Avro body, CloudEvents headers (`Decoder`)"),
    ("pipeline", "filter, personal data (`Pipeline.process`)"),
    ("transform", "the transform's payload (`Transform.apply`, when the sink asks for it)"),
    ("sink", "the kafka sink's record but the payload: derived event (JSON to Avro, id), encoding"),
    ("send", "`send()`: kafka-python's partitioner and record batches"),
    ("transaction", "the transaction: begin, consumed offsets, commit"),
    ("loop", "the rest of the consuming thread: metrics, offsets, timing"),
    ("rest", "the rest of the process: kafka-python's network threads"),
)
ROUTE_ONLY = ("decode", "pipeline", "transform", "sink")
KAFKA = ("poll", "send", "transaction", "rest")


def where(run: dict[str, Any]) -> dict[str, float]:
    """An instrumented run's CPU µs per event, step by step (see :data:`STEPS`)."""
    count = run["records"]
    per = {key: run["steps"].get(key, 0.0) / count * 1e6 for key, _ in STEPS}
    per["sink"] -= per["transform"]  # the payload is built when the sink first asks for it
    thread = run["thread"] / count * 1e6  # the consuming thread, all of it
    per["loop"] = thread - sum(per[key] for key, _ in STEPS[:7])
    per["rest"] = run["cpu"] / count * 1e6 - thread
    per["total"] = run["cpu"] / count * 1e6
    return per


def _transaction(lat: list[dict[str, Any]], side: str) -> str:
    runs = [r for r in lat if r["side"] == side and r.get("txn_seconds") is not None]
    if not runs:
        return "–"
    seconds = median([r["txn_seconds"] for r in runs])
    events = median([r["txn_events"] for r in runs])
    return f"{seconds * 1000:,.0f} ms, {events:,.0f} events"


def _range(lat: list[dict[str, Any]], side: str) -> str:
    p99 = sorted(r["p99"] for r in lat if r["side"] == side)
    return f"{p99[0] * 1000:,.0f}–{p99[-1] * 1000:,.0f} ms"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def section(
    through: list[dict[str, Any]],
    lat: list[dict[str, Any]],
    profiled: list[dict[str, Any]],
    events: int,
    repeats: int,
    seconds: float,
    load: float,
) -> str:
    def values(rows: list[dict[str, Any]], side: str, key: str) -> list[float]:
        return [r[key] for r in rows if r["side"] == side]

    raw = median(values(through, "raw", "rate"))
    t_headers = (
        "consume → produce",
        "events",
        "events/s",
        "spread",
        "÷ pass-through",
        "CPU µs/event",
        "peak RSS",
        "goal",
    )
    t_rows = []
    for side in THROUGHPUT_SIDES:
        rate = median(values(through, side, "rate"))
        goal = ""
        if side != "raw":
            goal = f"≥ {GOAL_RATIO}×: {'met' if rate / raw >= GOAL_RATIO else 'missed'}"
        t_rows.append(
            [
                LABELS[side],
                f"{events:,}",
                f"{rate:,.0f}",
                spread(values(through, side, "rate")),
                f"{rate / raw:.2f}×",
                f"{median(values(through, side, 'cpu')) / events * 1e6:,.0f}",
                f"{max(values(through, side, 'rss')):.0f} MiB",
                goal,
            ]
        )
    l_headers = (
        "consume → produce",
        "events sent",
        "rate sent",
        "p50",
        "p90",
        "p99",
        "worst p99",
        "max",
        "a transaction (median)",
        "goal",
    )
    l_rows = []
    for side in LATENCY_SIDES:
        p99 = median(values(lat, side, "p99"))
        goal = ""
        if side not in ("raw", "direct"):
            goal = f"p99 ≤ {GOAL_P99_MS:.0f} ms: {'met' if p99 * 1000 <= GOAL_P99_MS else 'missed'}"
        l_rows.append(
            [
                LABELS[side],
                f"{sum(values(lat, side, 'events')):,.0f}",
                f"{median(values(lat, side, 'rate')):,.0f}/s",
                _ms(median(values(lat, side, "p50"))),
                _ms(median(values(lat, side, "p90"))),
                _ms(p99),
                _ms(max(values(lat, side, "p99"))),
                _ms(max(values(lat, side, "max"))),
                _transaction(lat, side),
                goal,
            ]
        )
    split = {run["side"]: where(run) for run in profiled}
    w_headers = ("CPU µs per event", *(LABELS[side] for side in PROFILED_SIDES))
    w_rows = [
        [
            text,
            *(
                "–" if side == "raw" and key in ROUTE_ONLY else f"{split[side][key]:,.0f}"
                for side in PROFILED_SIDES
            ),
        ]
        for key, text in STEPS
    ]
    w_rows.append(["total", *(f"{split[side]['total']:,.0f}" for side in PROFILED_SIDES)])
    kafka = {side: sum(split[side][k] for k in KAFKA) for side in PROFILED_SIDES}
    own = {side: sum(split[side][k] for k in ROUTE_ONLY) for side in PROFILED_SIDES}
    derived, unchanged, passed = split["derived"], split["unchanged"], split["raw"]
    where_text = (
        "(A single run each, timed step by step, so its totals differ from the table's "
        "medians.) "
        "The route's own work, decoding, its pipeline and the sink's new record, takes "
        f"{own['derived']:,.0f} µs per event for the derived event and "
        f"{own['unchanged']:,.0f} µs passing the event on. The payload is built only when "
        f"the sink asks for it: the derived route's transform takes "
        f"{derived['transform']:,.0f} µs, and the sink's {derived['sink']:,.0f} µs are "
        "the transform's JSON values converted to Avro types by the schema's compiled "
        "conversion (`changedAt` from RFC 3339 text to a `datetime`), the new event with "
        "its id, and encoding it; passing the event on, no payload is built and the sink's "
        f"{unchanged['sink']:,.0f} µs are encoding the event. Decoding and encoding "
        f"(`Decoder`, `Encoder`) are {derived['decode'] + derived['sink']:,.0f} µs of the "
        "derived route's own work at most. The same kafka-python calls cost the route "
        "more than the pass-through although they are asked for no more: "
        f"{derived['send']:,.0f} and {unchanged['send']:,.0f} µs against "
        f"{passed['send']:,.0f} for `send()`, {kafka['derived']:,.0f} and "
        f"{kafka['unchanged']:,.0f} µs against {kafka['raw']:,.0f} for Kafka's whole part "
        "(`poll()`, `send()`, the transaction, the network threads); they run between "
        "the route's own steps on the same interpreter, which also does everything one "
        "after the other: all of it adds up, nothing overlaps. Metrics are counted per "
        "transaction, so the rest of the consuming thread is "
        f"{derived['loop']:,.0f} and {unchanged['loop']:,.0f} µs, the step timing "
        "itself included."
    )
    cpu_raw = median(values(through, "raw", "cpu")) / events * 1e6
    cpu = {side: median(values(through, side, "cpu")) / events * 1e6 for side in THROUGHPUT_SIDES}
    budget = cpu_raw / GOAL_RATIO
    rate = {side: median(values(through, side, "rate")) for side in THROUGHPUT_SIDES}
    goal_text = (
        f"**The throughput goal.** For {GOAL_RATIO}× of the pass-through, one interpreter "
        f"doing all of a route's work could spend at most {budget:,.0f} µs of CPU per event "
        f"({cpu_raw:,.0f} ÷ {GOAL_RATIO}), of which the pass-through's own kafka-python "
        f"work is {cpu_raw:,.0f}: that leaves {budget - cpu_raw:,.0f} µs per event for "
        f"decoding, the pipeline and the new record, which take {own['derived']:,.0f} µs "
        f"(derived) and {own['unchanged']:,.0f} µs (as it is) above. Done in the route's "
        "own process (`process_in_worker: false`), the derived route spent "
        f"{cpu['inprocess']:,.0f} µs per event and reached "
        f"{rate['inprocess'] / raw:.2f}× of the pass-through. By default a Kafka-sink "
        "route hands each poll's records to its worker process, which decodes, filters, "
        "transforms and encodes them while the route's process sends the previous chunk "
        "and runs the transaction: the two processes spent "
        f"{cpu['derived']:,.0f} µs (derived) and {cpu['unchanged']:,.0f} µs (as it is) "
        "per event together, "
        + (
            "more than in one process (each record crosses the pipe twice), but on two cores"
            if cpu["derived"] > cpu["inprocess"]
            else "less than one process spends, where the route's work and kafka-python's "
            "threads take turns on one interpreter"
        )
        + f", and the route reached {rate['derived'] / raw:.2f}× and "
        f"{rate['unchanged'] / raw:.2f}×."
    )
    floor = median(values(lat, "direct", "p50"))

    def above(side: str) -> str:
        txn = median([r["txn_seconds"] for r in lat if r["side"] == side])
        return f"{(median(values(lat, side, 'p50')) - floor) / txn:.1f}"

    txn = {side: median(values(lat, side, "txn_seconds")) for side in ("derived", "raw")}
    if txn["derived"] > 1.2 * txn["raw"]:
        longer = (
            "The route's transactions are longer: its worker decodes, transforms and "
            "encodes their events, which cross the pipe to it and back, before the route "
            "sends them."
        )
    else:
        size = median(values(lat, "derived", "txn_events"))
        longer = (
            "The route's transactions take about as long as the pass-through's: decoding, "
            f"transforming and encoding {size:,.0f} events is short beside the round trips."
        )
    latency_text = (
        "**Where the latency comes from.** Both consume → produce sides put what one poll "
        "returned into one transaction, and kafka-python sends a transaction's requests to "
        "the broker one after the other. The pass-through adds the partitions, sends the "
        "records (which wait `linger_ms` while the next requests go out), adds the "
        "consumed offsets, commits them and ends the transaction. The route adds and "
        "commits the consumed offsets first, while its worker makes the batch's records, "
        "then adds the partitions, and its records go out at once with the end of the "
        "transaction. Either asks again after "
        f"{TRANSACTION_STEP_RETRY_MS} ms while the previous transaction's commit markers "
        "are still being written; only once the markers are written does a "
        "`read_committed` consumer see the records. kafka-python 3.0.12 sends "
        "AddPartitionsToTxn and EndTxn at most in version 3, so the transaction protocol "
        "2 of KIP-890 (version 5: the broker adds a partition to the transaction with "
        "its first produce request, one round trip less), which the Kafka 4.1 broker "
        "offers, is not used. At this rate a transaction took "
        f"{_transaction(lat, 'derived')} in the route and {_transaction(lat, 'raw')} in the "
        "pass-through (medians; *a transaction* column), against a floor, the driver "
        f"reading its own input, of {_ms(floor)} p50 and "
        f"{_ms(median(values(lat, 'direct', 'p99')))} p99 on this machine. An event waits "
        "for the transaction under way, the next poll, its own transaction and the "
        f"markers: the route's median latency lies {above('derived')} median transactions "
        f"above the floor, the pass-through's {above('raw')}. {longer} The tail moves "
        "from run to run with the odd long transaction: p99 ranged "
        f"{_range(lat, 'derived')} for the route and {_range(lat, 'raw')} for the "
        "pass-through. "
    )
    raw_p99 = median(values(lat, "raw", "p99")) * 1000
    route_p99 = median(values(lat, "derived", "p99")) * 1000
    if route_p99 <= GOAL_P99_MS:
        latency_text += (
            f"The route's median p99, {route_p99:,.0f} ms, is within the goal (the bare "
            f"pass-through's: {raw_p99:,.0f} ms); its worst run, "
            f"{max(values(lat, 'derived', 'p99')) * 1000:,.0f} ms, shows how much one long "
            "stall of the machine or the broker moves it, and the floor (the input read "
            "directly) is part of every figure."
        )
    elif raw_p99 > GOAL_P99_MS:
        latency_text += (
            f"Neither side is within {GOAL_P99_MS:.0f} ms here: the route's median p99 is "
            f"{route_p99:,.0f} ms, the bare pass-through's {raw_p99:,.0f} ms; the floor "
            "(the input read directly) and the machine's stalls are part of every figure."
        )
    else:
        latency_text += (
            f"The bare pass-through reaches {raw_p99:,.0f} ms p99, so it is the route's own "
            "work in each transaction that keeps it above the goal."
        )
    report.print_table(f"{TITLE}: throughput", t_headers, t_rows, "lrrrrrrl")
    report.print_table(f"{TITLE}: latency", l_headers, l_rows, "lrrrrrrrrl")
    others = sorted(r["others"] for r in through + lat)
    return "\n".join(
        [
            f"## {TITLE}",
            "",
            report.reflow(
                f"Measured {time.strftime('%Y-%m-%d')} with `{COMMAND}` (CPython "
                f"{sys.version.split()[0]}) against the run's broker, **on a shared machine**: "
                f"the load average was {load:.2f} when the run began and other processes used "
                f"{median(others):.2f} cores (median; worst {others[-1]:.2f}) of its "
                f"{os.cpu_count()} while the measurements ran. Each figure is the median of "
                f"{repeats} runs (peak RSS and *worst* / *max*: over all runs); *spread* is "
                "the largest deviation of one run's events/s from that median; the sides "
                "take turns going first. *CPU µs/event* is the consuming and producing "
                "process's CPU time (all its threads), and its worker process's where it "
                "has one, over the timed span, per event; *peak RSS* the sum of their "
                "high-water marks of resident memory (`VmHWM` in `/proc/<pid>/status`), "
                "interpreters and imports included."
            ),
            "",
            "**Throughput**, over a backlog of already published events:",
            "",
            report.markdown_table(t_headers, t_rows, "lrrrrrrl"),
            "",
            report.reflow(
                "**Where the time goes.** One more run of each, over the first "
                f"{PROFILED:,} events of the backlog (the last poll may run over), the "
                "routes doing their work in their own process (`process_in_worker: false`) "
                "so that every step can be timed, with the CPU time of the consuming thread "
                "added up per step (`time.thread_time()` around the calls), in µs per event:"
            ),
            "",
            report.markdown_table(w_headers, w_rows, "lrrr"),
            "",
            report.reflow(where_text),
            "",
            report.reflow(goal_text),
            "",
            report.reflow(
                f"**Latency** at a steady {RATE:,} events/s, {seconds:.0f} s per run, from an "
                "event's time (set as it is sent) until its output record comes out of a "
                "`read_committed` consumer:"
            ),
            "",
            report.markdown_table(l_headers, l_rows, "lrrrrrrrrl"),
            "",
            report.reflow(latency_text),
            "",
            report.reflow(
                f"**What runs.** The input is CaseOpened events (v1, about 0.4 KiB of Avro "
                "and 0.3 KiB of CloudEvents headers each, one key per case) on the "
                f"registry topic ({PARTITIONS} partitions). A *route* is one `hub.yaml` "
                "with one route, loaded by `load_config` and run by the hub's `Runtime` "
                "(`hub run` without its HTTP server) in its own interpreter: a "
                "`RouteRunner` consumes the topic `read_committed` in the route's "
                f"consumer group (`max_poll_records={MAX_POLL_RECORDS}`, its default), "
                "decodes each record, evaluates the filter "
                '`data.secrecy == "PUBLIC"` (every input event passes it, so both sides '
                "write as many records as they read), masks personal fields, and its "
                "`kafka` sink publishes inside one transaction per poll together with "
                "the consumed offsets (exactly once); by default (`process_in_worker`) "
                "the decoding, filter, protection, transform and encoding happen in the "
                "route's worker process, a second interpreter, which hands the route's "
                "process each record's outcome in chunks. *Derived*: a transform of six "
                "fields (paths, a constant, a template) whose output becomes the data of "
                "a new CaseStatusChanged event (`event: CaseStatusChanged`, JSON values "
                "converted to the schema's types, a derived id), encoded and published; "
                "*as it is*: no transform and no `event:`, the event re-encoded to the "
                "output topic. The *pass-through* is plain kafka-python with the route's "
                f"settings (`read_committed`, `max_poll_records={MAX_POLL_RECORDS}`, a "
                'transactional producer with `acks="all"`, `linger_ms=5`, and a '
                f"refused transaction request sent again after {TRANSACTION_STEP_RETRY_MS} "
                "ms: the route shortens only that wait of its producer's sender and keeps "
                f"`retry_backoff_ms={TRANSACTION_RETRY_BACKOFF_MS}` for the rest, the "
                f"pass-through sets `retry_backoff_ms={TRANSACTION_STEP_RETRY_MS}`): per poll "
                "`begin_transaction()`, `send()` of each record's key, value and "
                "headers unchanged, `send_offsets_to_transaction()`, "
                "`commit_transaction()` (the order of Kafka's own consume-transform-produce "
                "examples; the route calls `send_offsets_to_transaction()` before its "
                "sends). The output topics have "
                f"{PARTITIONS} partitions."
            ),
            "",
            report.reflow(
                f"*Throughput*: {events:,} events published before the clock starts, read "
                "by a new consumer group; timed from the first polled batch (so joining "
                "the group is left out) until the transaction holding the last event has "
                "committed; afterwards the run reads the output topic back "
                f"`read_committed` and checks it holds all {events:,} records (and no "
                "dead letters). *Latency*: a fresh input topic and the route (or "
                "pass-through) running; a driver process sends events with a "
                'kafka-python producer (`acks="all"`, `linger_ms=0`), each with its event '
                "time set to the moment it is sent, first "
                f"{WARMUP} to warm up (waited for, not counted), then {RATE:,} a second "
                f"for {seconds:.0f} s; a `read_committed` consumer in the driver reads "
                "the output topic, and an event's latency is the time from its "
                "`ce_time` to the poll that returned its output record (the same clock, "
                "one machine). This includes the input producer's send, the route's "
                "poll, processing and transaction commit, and the output consumer's "
                "fetch; the route's own `hub_route_end_to_end_latency_seconds` histogram "
                "stops earlier (when its transaction has committed, before the commit "
                "markers are written and the output is fetched) and is not used here. "
                "*No consume → produce* is the floor of this set-up: the same "
                "driver reading the input topic itself, so only its producer, the broker "
                "and its consumer are timed."
            ),
        ]
    )


def run(ctx: Any) -> None:
    """Entry point for ``python -m bench``."""
    quick = bool(ctx.quick)
    events, repeats, seconds = (EVENTS // 10, 1, 5.0) if quick else (EVENTS, REPEATS, SECONDS)
    kafka = ctx.kafka()
    bench = Run(kafka, ctx.scratch("route"))
    through: list[dict[str, Any]] = []
    lat: list[dict[str, Any]] = []
    profiled: list[dict[str, Any]] = []
    try:
        prefix = bench.prefix()
        bench.publish(prefix, events)
        for repeat in range(repeats):
            shift = repeat % len(THROUGHPUT_SIDES)
            for side in THROUGHPUT_SIDES[shift:] + THROUGHPUT_SIDES[:shift]:
                through.append(bench.throughput(side, prefix, events))
                last = through[-1]
                print(
                    f"throughput, {LABELS[side]}: {last['rate']:,.0f} events/s, "
                    f"{last['cpu'] / events * 1e6:,.0f} CPU µs/event, {last['rss']:.0f} MiB, "
                    f"others {last['others']:.2f} cores",
                    flush=True,
                )
        profiled += [
            bench.throughput(side, prefix, min(events, PROFILED), instrument=True)
            for side in PROFILED_SIDES
        ]
        for run in profiled:
            split = where(run)
            print(
                f"{LABELS[run['side']]}, CPU µs/event: "
                + ", ".join(f"{key} {value:,.0f}" for key, value in split.items()),
                flush=True,
            )
        for repeat in range(repeats):
            order = LATENCY_SIDES if repeat % 2 == 0 else LATENCY_SIDES[::-1]
            for side in order:
                lat.append(bench.latency(side, seconds))
                last = lat[-1]
                print(
                    f"latency, {LABELS[side]}: {last['rate']:,.0f}/s sent, p50 "
                    f"{_ms(last['p50'])}, p99 {_ms(last['p99'])}, max {_ms(last['max'])}, "
                    f"others {last['others']:.2f} cores",
                    flush=True,
                )
    finally:
        bench.close()
    load = float(getattr(ctx, "load_at_start", 0.0))
    keep(NAME, {"events": events, "load": load, "throughput": through, "latency": lat,
                "profiled": profiled})  # fmt: skip
    ctx.write_section(NAME, section(through, lat, profiled, events, repeats, seconds, load))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.route")
    parser.add_argument("--child", action="store_true", help="one side or the driver (stdin)")
    args = parser.parse_args(argv)
    if args.child:
        return child()
    parser.error("run it as `python -m bench route`")


if __name__ == "__main__":
    sys.exit(main())
