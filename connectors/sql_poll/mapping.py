"""A row as event data, following the configured mapping.

Each configured field takes a column's value (translated through ``values`` when given),
a constant, or a template over columns; dotted paths build nested records. The data is
then fitted to the event's schema (``convert``), so a NULL in a required field, an
unknown enum symbol or a malformed date raises :class:`RowProblem` naming the field and
where its value came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.sql_poll.config import ColumnValue, ConstValue, EventMapping, TemplateValue
from connectors.sql_poll.convert import Converter, ValueProblem, record_converter
from hub.events import EventSchema

Row = Mapping[str, Any]
Getter = Callable[[Row], Any]


class RowProblem(ValueError):
    """A row that cannot become its event; ``reason`` says which field and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def origin(value: str | ColumnValue | ConstValue | TemplateValue) -> str:
    """Where a field's value comes from, as a problem message says it."""
    if isinstance(value, str):
        return f"column {value}"
    if isinstance(value, ColumnValue):
        return f"column {value.column}"
    if isinstance(value, TemplateValue):
        return f"template {value.template!r}"
    return "constant"


def _getter(value: str | ColumnValue | ConstValue | TemplateValue, path: str) -> Getter:
    if isinstance(value, str):
        return _column(value)
    if isinstance(value, ColumnValue):
        return _translated(value.column, value.values) if value.values else _column(value.column)
    if isinstance(value, TemplateValue):
        return _template(value, path)
    const = value.const
    return lambda row: const


def _column(column: str) -> Getter:
    return lambda row: row[column]


def _translated(column: str, values: Mapping[str, Any]) -> Getter:
    def get(row: Row) -> Any:
        raw = row[column]
        return None if raw is None else values.get(str(raw), raw)

    return get


def _template(value: TemplateValue, path: str) -> Getter:
    template, columns = value.template, value.columns

    def render(row: Row) -> Any:
        found = {name: row[name] for name in columns}
        if all(v is None for v in found.values()):
            return None
        try:
            text = template.format_map({k: "" if v is None else v for k, v in found.items()})
        except (ValueError, TypeError) as exc:
            raise ValueProblem(path, f"template {template!r} failed: {exc}") from None
        return text.strip()

    return render


@dataclass(frozen=True)
class RowMapper:
    """Turns rows into the data of one event schema."""

    schema: EventSchema
    plan: tuple[tuple[tuple[str, ...], str, Getter], ...]
    convert: Converter
    origins: Mapping[str, str]

    @classmethod
    def compile(cls, mapping: EventMapping, schema: EventSchema, zone: dt.tzinfo) -> RowMapper:
        plan = []
        for path, value in mapping.fields.items():
            *parents, leaf = path.split(".")
            plan.append((tuple(parents), leaf, _getter(value, path)))
        origins = {path: origin(value) for path, value in mapping.fields.items()}
        return cls(schema, tuple(plan), record_converter(schema.parsed, zone), origins)

    def data(self, row: Row) -> dict[str, Any]:
        """The event data for ``row`` (raises :class:`RowProblem` when it does not fit)."""
        data: dict[str, Any] = {}
        try:
            for parents, leaf, get in self.plan:
                target = data
                for name in parents:
                    target = target.setdefault(name, {})
                target[leaf] = get(row)
            converted: dict[str, Any] = self.convert(data)
        except ValueProblem as exc:
            raise RowProblem(self._explain(exc)) from None
        return converted

    def _explain(self, problem: ValueProblem) -> str:
        where = f"{self.schema.name} v{self.schema.version}"
        path = problem.path
        while path and path not in self.origins:
            path = path.rpartition(".")[0]
        source = f" (from {self.origins[path]})" if path else ""
        return f"{where} field {problem.path or '(record)'}: {problem.reason}{source}"
