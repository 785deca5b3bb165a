"""A row as event data, following the configured mapping.

Each configured field takes a column's value (translated through ``values`` when given),
a constant, or a template over columns; dotted paths build nested records. Each value is
fitted to its field's type (``convert``), so a NULL in a required field, an unknown enum
symbol or a malformed date raises :class:`RowProblem` naming the field and where its
value came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.sql_poll.avro_fields import field_at
from connectors.sql_poll.convert import Converter, ValueProblem, field_converter
from connectors.sql_poll.event_config import ColumnValue, ConstValue, EventMapping, TemplateValue
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


def _getter(value: str | ColumnValue | ConstValue | TemplateValue) -> Getter:
    if isinstance(value, str):
        return _column(value)
    if isinstance(value, ColumnValue):
        return _translated(value.column, value.values) if value.values else _column(value.column)
    if isinstance(value, TemplateValue):
        return _template(value)
    return _constant(value.const)


def _constant(value: Any) -> Getter:
    return lambda row: value


def _column(column: str) -> Getter:
    return lambda row: row[column]


def _translated(column: str, values: Mapping[str, Any]) -> Getter:
    def get(row: Row) -> Any:
        raw = row[column]
        return None if raw is None else values.get(str(raw), raw)

    return get


def _template(value: TemplateValue) -> Getter:
    template, columns = value.template, value.columns

    def render(row: Row) -> Any:
        found = {name: row[name] for name in columns}
        if None in found.values():
            if all(v is None for v in found.values()):
                return None
            found = {k: "" if v is None else v for k, v in found.items()}
        try:
            return template.format_map(found).strip()
        except (ValueError, TypeError) as exc:
            raise ValueProblem("", f"template {template!r} failed: {exc}") from None

    return render


@dataclass(frozen=True)
class _Leaf:
    """One configured field: where it goes, how its value is got and fitted to its type."""

    path: str
    parents: tuple[str, ...]
    name: str
    get: Getter
    convert: Converter | None  # None: a constant, fitted once when compiled
    null_is_default: bool


@dataclass(frozen=True)
class RowMapper:
    """Turns rows into the data of one event schema.

    Only the configured fields are fitted to their types, each on its own: the checks
    made when the source opened (``checks.mapping_schema``) guarantee that every other
    field has a default or takes null, and that the constants fit.
    """

    schema: EventSchema
    leaves: tuple[_Leaf, ...]
    origins: Mapping[str, str]

    @classmethod
    def compile(cls, mapping: EventMapping, schema: EventSchema, zone: dt.tzinfo) -> RowMapper:
        named = schema.parsed.get("__named_schemas", {})
        leaves = []
        for path, value in mapping.fields.items():
            field = field_at(schema.parsed, path, named)
            if isinstance(field, str):
                raise ValueError(f"config.mapping.fields.{path}: {field}")
            convert, null_is_default = field_converter(field, named, zone)
            *parents, name = path.split(".")
            if isinstance(value, ConstValue):
                get, fit = _constant(convert(value.const)), None
            else:
                get, fit = _getter(value), convert
            leaves.append(_Leaf(path, tuple(parents), name, get, fit, null_is_default))
        origins = {path: origin(value) for path, value in mapping.fields.items()}
        return cls(schema, tuple(leaves), origins)

    def data(self, row: Row) -> dict[str, Any]:
        """The event data for ``row`` (raises :class:`RowProblem` when it does not fit)."""
        data: dict[str, Any] = {}
        for leaf in self.leaves:
            target = data
            for name in leaf.parents:
                target = target.setdefault(name, {})
            try:
                value = leaf.get(row)
                if leaf.convert is not None:
                    if value is None and leaf.null_is_default:
                        continue  # the writer fills in the default
                    value = leaf.convert(value)
            except ValueProblem as exc:
                raise RowProblem(self._explain(exc.within(leaf.path), leaf.path)) from None
            target[leaf.name] = value
        return data

    def _explain(self, problem: ValueProblem, path: str) -> str:
        where = f"{self.schema.name} v{self.schema.version}"
        return f"{where} field {problem.path}: {problem.reason} (from {self.origins[path]})"
