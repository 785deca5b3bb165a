"""``python -m bench [NAME ...]``: run the benchmarks (all of them by default)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from bench import BENCHMARKS, machine
from bench.broker import ROOT
from bench.context import Context
from bench.proc import MeasureFailed
from hub.localkafka import LocalKafkaError
from hub.localkafka.paths import default_pom

QUIET_LOAD = 0.5


def machine_section() -> str:
    facts = machine.describe()
    return "\n".join(
        [
            f"Latest run, {time.strftime('%Y-%m-%d')}:",
            "",
            f"- CPU: {facts['cpu']}, {facts['cores']} cores; memory: {facts['memory']}",
            f"- OS: {facts['os']}",
            f"- Python: {facts['python']}, kafka-python {facts['kafka-python']}",
            f"- Java: {facts['java']}",
            f"- Kafka: {machine.kafka_version(default_pom(ROOT))} (broker and perf tools, "
            "official jars from Maven Central)",
        ]
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the hub's benchmarks and record them in docs/benchmarks.md.",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tenth of the records, one repeat, docs left alone (a smoke run)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the results, leave the docs alone"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"first wait up to SECONDS for the load average to drop below {QUIET_LOAD}",
    )
    return parser


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"bench.{name}") is not None


def _settle(seconds: float) -> float:
    if seconds > 0 and machine.load() >= QUIET_LOAD:
        print(f"waiting up to {seconds:.0f}s for the machine to quiet down …", flush=True)
    current = machine.wait_quiet(QUIET_LOAD, seconds)
    if current >= QUIET_LOAD:
        print(
            f"warning: load average {current:.2f} — other work on this machine skews the "
            "figures (the documents note the load)",
            file=sys.stderr,
        )
    return current


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so the broker is stopped


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    names = args.names or [name for name in BENCHMARKS if _available(name)]
    for name in BENCHMARKS:
        if not args.names and name not in names:
            print(f"skipping {name}: bench/{name}.py is not there (yet)", file=sys.stderr)
    load = _settle(args.wait_quiet)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp,
            Context(Path(tmp), quick=args.quick, write=not args.no_write, load=load) as ctx,
        ):
            for name in names:
                importlib.import_module(f"bench.{name}").run(ctx)
            if ctx.written:
                ctx.write_section("machine", machine_section())
    except (LocalKafkaError, MeasureFailed) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
