"""Event codec throughput: the hub's Encoder/Decoder beside plain fastavro on the same records.

``python -m bench.codec`` measures, for the latest version of every event in the catalog,
encoding (``Encoder.encode``: single-object header, Avro body, CloudEvents headers, key,
topic) and decoding (``Decoder.decode``: fingerprint lookup, header checks, Avro body,
``Event``) against fastavro's ``schemaless_writer``/``schemaless_reader`` writing and reading
the same data with the same parsed schema. Runs alternate between the two so that both see
the same machine state, each timed in process CPU time; the best run of each counts. The
table goes to the terminal and, unless ``--no-write``, into the "Event codec" section of
docs/benchmarks.md (between ``<!-- bench:codec -->`` markers; the rest stays as it is).

Also a benchmark of ``python -m bench`` (``TITLE`` and ``run(ctx)``) once listed there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

from fastavro import schemaless_reader, schemaless_writer

from hub.events import Catalog, Decoder, Encoder, Event, EventSchema, source_uri
from hub.events.rules import resolve, type_name

TITLE = "Event codec"
NAME = "codec"
ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
COMMAND = ".venv/bin/python -m bench.codec"
GOAL = 0.8
RECORDS = 1000
ROUNDS = 25
_START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


# --- sample data: plausible values of realistic sizes, the same for both sides -------------


def sample(schema: EventSchema, i: int) -> dict[str, Any]:
    """Record ``i`` of an event: every field filled, optional ones on every other record."""
    parsed = schema.parsed
    value = _value(parsed, parsed.get("__named_schemas", {}), "", i)
    value[schema.key_field] = f"BN 2026-{i:06d}"
    return dict(value)


def _value(schema: Any, named: Mapping[str, Any], name: str, i: int) -> Any:
    schema = resolve(schema, named)
    kind = type_name(schema)
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if kind == "union":
        branches = [b for b in schema if resolve(b, named) != "null"]
        return (
            None if i % 2 and len(branches) < len(schema) else _value(branches[0], named, name, i)
        )
    if logical == "date":
        return _START.date() + dt.timedelta(days=i % 365)
    if logical in ("timestamp-millis", "timestamp-micros"):
        return _START + dt.timedelta(seconds=i, milliseconds=i % 1000)
    if kind == "record":
        return {f["name"]: _value(f["type"], named, f["name"], i) for f in schema["fields"]}
    if kind == "array":
        return [_value(schema["items"], named, name, i + k) for k in range(2)]
    if kind == "map":
        return {f"q{k}": _value(schema["values"], named, name, i + k) for k in range(2)}
    if kind == "enum":
        return schema["symbols"][i % len(schema["symbols"])]
    simple: dict[str, Callable[[], Any]] = {
        "string": lambda: f"{name} {i:05d} – exempel på text",
        "int": lambda: i % 1000,
        "long": lambda: 125_000 + i * 100,
        "boolean": lambda: i % 2 == 0,
        "float": lambda: i / 4,
        "double": lambda: i / 4,
        "bytes": lambda: b"x" * 16,
        "null": lambda: None,
    }
    return simple[kind]()


# --- measuring -----------------------------------------------------------------------------


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()  # CPU time: the machine's other load does not count
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def measure(catalog: Catalog, schema: EventSchema, records: int, rounds: int) -> dict[str, Any]:
    """Best-of-``rounds`` records/s for plain and hub encoding and decoding of one event."""
    encoder, decoder = Encoder(catalog), Decoder(catalog)
    validating = Encoder(catalog, validate=True)
    parsed = schema.parsed
    source = source_uri("2480", "bench")
    data = [sample(schema, i) for i in range(records)]
    events = [
        Event(type=schema.type, source=source, data=d, dataschema=schema.dataschema) for d in data
    ]
    kafka = [encoder.encode(e) for e in events]
    bodies = [r.value[10:] for r in kafka]
    consumed = [(r.key, r.value, r.headers) for r in kafka]  # as a consumer loop has them

    def plain_encode() -> None:
        for d in data:
            buffer = BytesIO()
            schemaless_writer(buffer, parsed, d)
            buffer.getvalue()

    def hub_encode() -> None:
        encode = encoder.encode
        for event in events:
            encode(event)

    def hub_encode_validating() -> None:
        encode = validating.encode
        for event in events:
            encode(event)

    def plain_decode() -> None:
        for body in bodies:
            schemaless_reader(BytesIO(body), parsed)

    def hub_decode() -> None:
        decode = decoder.decode
        for key, value, headers in consumed:
            decode(key, value, headers)

    runs = {
        "plain_encode": plain_encode,
        "hub_encode": hub_encode,
        "hub_encode_validating": hub_encode_validating,
    }
    runs |= {"plain_decode": plain_decode, "hub_decode": hub_decode}
    best = dict.fromkeys(runs, float("inf"))
    order = list(runs.items())
    for round_ in range(rounds):  # alternate the order, so neither side always goes first
        for name, fn in order if round_ % 2 == 0 else order[::-1]:
            best[name] = min(best[name], _seconds(fn))
    rate = {name: records / seconds for name, seconds in best.items()}
    return {
        "event": schema.name,
        "version": schema.version,
        "body": sum(map(len, bodies)) / records,
        "headers": sum(len(k) + len(v) for r in kafka for k, v in r.headers) / records,
        **rate,
    }


def run_all(catalog: Catalog, records: int, rounds: int) -> list[dict[str, Any]]:
    latest = [catalog.get(name) for name in catalog.names()]
    return [measure(catalog, schema, records, rounds) for schema in latest]


# --- reporting -----------------------------------------------------------------------------

HEADERS = (
    "event",
    "Avro body",
    "headers",
    "encode: fastavro rec/s",
    "encode: hub rec/s",
    "hub ÷ fastavro",
    "hub − fastavro µs",
    "validating rec/s",
    "decode: fastavro rec/s",
    "decode: hub rec/s",
    "hub ÷ fastavro",
    "hub − fastavro µs",
)
ALIGN = "lrrrrrrrrrrr"


def _extra_us(plain: float, hub: float) -> float:
    """What the hub adds per record, in microseconds, from two rates."""
    return (1 / hub - 1 / plain) * 1e6


def rows(results: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for r in results:
        out.append(
            [
                f"{r['event']} v{r['version']}",
                f"{r['body']:.0f} B",
                f"{r['headers']:.0f} B",
                f"{r['plain_encode']:,.0f}",
                f"{r['hub_encode']:,.0f}",
                f"{r['hub_encode'] / r['plain_encode']:.2f}×",
                f"{_extra_us(r['plain_encode'], r['hub_encode']):.1f}",
                f"{r['hub_encode_validating']:,.0f}",
                f"{r['plain_decode']:,.0f}",
                f"{r['hub_decode']:,.0f}",
                f"{r['hub_decode'] / r['plain_decode']:.2f}×",
                f"{_extra_us(r['plain_decode'], r['hub_decode']):.1f}",
            ]
        )
    return out


def _ratios(results: list[dict[str, Any]], op: str) -> list[float]:
    return [r[f"hub_{op}"] / r[f"plain_{op}"] for r in results]


def markdown(results: list[dict[str, Any]], records: int, rounds: int) -> str:
    rule = ["---:" if a == "r" else "---" for a in ALIGN]
    table = [
        "| " + " | ".join(HEADERS) + " |",
        "| " + " | ".join(rule) + " |",
        *("| " + " | ".join(row) + " |" for row in rows(results)),
    ]
    enc, dec = _ratios(results, "encode"), _ratios(results, "decode")
    extra_enc = statistics.median(_extra_us(r["plain_encode"], r["hub_encode"]) for r in results)
    extra_dec = statistics.median(_extra_us(r["plain_decode"], r["hub_decode"]) for r in results)
    missed = [
        f"{r['event']} ({e:.2f}× / {d:.2f}×)"
        for r, e, d in zip(results, enc, dec, strict=True)
        if round(min(e, d), 2) < GOAL  # as shown
    ]
    verdict = (
        f"met for all {len(results)} events"
        if not missed
        else f"met for {len(results) - len(missed)} of {len(results)} events; missed by "
        + ", ".join(missed)
    )
    summary = (
        f"Encoding runs at {min(enc):.2f}–{max(enc):.2f}× and decoding at "
        f"{min(dec):.2f}–{max(dec):.2f}× of plain fastavro. The goal, at least {GOAL}× both "
        f"ways, is {verdict}. Per record the hub takes a median {extra_enc:.1f} µs more than "
        f"fastavro to encode and {extra_dec:.1f} µs more to decode. It does more: the "
        "single-object header, the CloudEvents headers (id, source, type, time, subject), key "
        "and topic when encoding; the fingerprint lookup, the header checks and the `Event` "
        "when decoding. It spends less on the Avro body: it calls the compiled functions that "
        "`schemaless_writer` and `schemaless_reader` end in, with each schema's named types and "
        "options made once instead of on every call, and it writes a body field by field, "
        "which skips the set of unknown keys fastavro's record writer builds on every call "
        "for its strict mode (`hub/events/avro.py`). What the hub adds weighs most where "
        "fastavro is fastest: the events with the smallest bodies. For scale, kafka-python "
        "itself spends tens of microseconds per record to produce or consume one (see the "
        "Baseline section)."
    )
    return "\n".join(
        [
            "## Event codec",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} with `{COMMAND}` (CPython "
            f"{sys.version.split()[0]}): {records:,} records per event, best of {rounds} "
            "alternating runs timed in process CPU time (so other load on the machine does not "
            "count), garbage collector paused. *Avro body* is the mean body size, *headers* the "
            "mean size of the CloudEvents headers (names and values).",
            "",
            *table,
            "",
            summary,
            "",
            "**What is compared.** Per event (latest schema version), the same records: "
            "*fastavro* is `schemaless_writer` into a fresh `BytesIO` / `schemaless_reader` "
            "from one, with the catalog's parsed schema; *hub* is `Encoder.encode(event)` "
            "(single-object header, Avro body, CloudEvents headers, key and topic: a "
            "ready-to-send `KafkaRecord`) and `Decoder.decode(key, value, headers)` "
            "(fingerprint lookup, header checks, Avro body, an `Event`). The ratio is hub "
            "records/s over fastavro records/s; *hub − fastavro µs* is the difference per "
            "record, 1/hub − 1/fastavro. The decoder gets the three arguments ready, as "
            "fastavro gets its bodies: the loop does not read them off record objects. The "
            "encoder runs "
            "with `validate=False`, its default; *validating* is `Encoder(validate=True)`, "
            "which also checks every value against the schema first, to catch what the Avro "
            "writer would coerce (a float in a `long`, an int too large for an `int`).",
        ]
    )


def write_section(path: Path, body: str) -> None:
    """Replace this benchmark's part of docs/benchmarks.md; append it when absent."""
    start, end = f"<!-- bench:{NAME} -->", f"<!-- /bench:{NAME} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, "utf-8")


def _print(results: list[dict[str, Any]]) -> None:
    table = rows(results)
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(HEADERS)]
    for line in (list(HEADERS), *table):
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))


def run(ctx: Any) -> None:
    """Entry point for ``python -m bench``: measure, print, hand the section to ``ctx``."""
    records, rounds = (300, 2) if getattr(ctx, "quick", False) else (RECORDS, ROUNDS)
    results = run_all(Catalog.load(ROOT / "schemas"), records, rounds)
    _print(results)
    ctx.write_section(NAME, markdown(results, records, rounds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.codec", description=__doc__)
    parser.add_argument("--records", type=int, default=RECORDS, help="records per event")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternating runs; best counts")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    results = run_all(Catalog.load(ROOT / "schemas"), args.records, args.rounds)
    _print(results)
    if not args.no_write:
        write_section(DOC, markdown(results, args.records, args.rounds))
        print(f"wrote the {TITLE!r} section of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
