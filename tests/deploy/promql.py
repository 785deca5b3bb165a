"""Reading PromQL in dashboards and rules: which metrics an expression uses.

Not a parser: it removes what cannot be a metric name (strings, label matchers, ranges,
grouping label lists, Grafana variables), then keeps the identifiers that are not called
as functions and are not keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGES = re.compile(r"\[[^\[\]]*\]")
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
GRAFANA_VARIABLES = re.compile(r"\$(?:\{[^}]*\}|\w+)")
IDENTIFIER = re.compile(r"(?<![\w:.$])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()")
KEYWORDS = frozenset(
    {
        *("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"),
        *("by", "without", "on", "ignoring", "group_left", "group_right"),
    }
)

LABEL_VALUES = re.compile(r"^\s*label_values\((?P<args>.*)\)\s*$", re.DOTALL)
QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expr>.*)\)\s*$", re.DOTALL)
METRICS = re.compile(r"^\s*metrics\(.*\)\s*$", re.DOTALL)


def metric_names(expr: str) -> set[str]:
    """Metric names ``expr`` selects (histogram series keep their _bucket/_sum/_count)."""
    text = STRINGS.sub('""', expr)
    text = MATCHERS.sub(" ", text)
    text = RANGES.sub(" ", text)
    text = GROUPING.sub(" ", text)
    text = GRAFANA_VARIABLES.sub(" ", text)
    return {name for name in IDENTIFIER.findall(text) if name not in KEYWORDS}


def variable_expr(query: str) -> str | None:
    """The PromQL inside a Grafana Prometheus variable query, if it has any."""
    if match := LABEL_VALUES.match(query):
        args = match["args"]
        if "," not in args:
            return None  # label_values(label): every series' values, no metric named
        return args.rsplit(",", 1)[0]
    if match := QUERY_RESULT.match(query):
        return match["expr"]
    if METRICS.match(query):
        return None
    return query


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, also those inside (collapsed) rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panels(panel)


def queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable."""
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            if target.get("expr"):
                yield f"panel {panel['id']} {panel.get('title')!r}", target["expr"]
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        text = query.get("query", "") if isinstance(query, dict) else str(query or "")
        expr = variable_expr(text)
        if expr:
            yield f"variable {variable['name']}", expr


def exported(exposition: str) -> set[str]:
    """Series names a /metrics page can have, from its ``# TYPE`` lines (present before
    any labelled series is used): histograms add _bucket, _sum, _count; counters and
    histograms a _created gauge once used."""
    names: set[str] = set()
    for line in exposition.splitlines():
        if not line.startswith("# TYPE "):
            continue
        _, _, name, kind = line.split(maxsplit=3)
        names.add(name)
        if kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}
        elif kind == "counter":
            names.add(name.removesuffix("_total") + "_created")
    return names
