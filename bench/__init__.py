"""Benchmarks of the hub, each measured beside a baseline in the same run.

``python -m bench`` runs every module named in :data:`BENCHMARKS`; ``python -m bench NAME``
runs one. A benchmark is a module ``bench.NAME`` with a ``TITLE`` string and a function
``run(ctx: bench.context.Context) -> None`` that measures, prints its table and hands its
Markdown section to ``ctx.write_section(NAME, markdown)``. The section lands in
``docs/benchmarks.md`` between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, so
each benchmark owns its own part of that file. A benchmark that needs Kafka calls
``ctx.kafka()``: the first call starts one broker for the whole run.
"""

BENCHMARKS: tuple[str, ...] = ("baseline", "sql_poll", "bgmax", "route")
