"""Properties of the filter language over random well-typed filters and random events."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.events import Catalog, EventSchema
from hub.events.rules import walk_fields
from hub.routing.expr import ExpressionError, Filter, compile_filter
from hub.routing.paths import FieldType, resolve_path
from tests.events.avro_data import OFFSETS, events
from tests.events.conftest import CATALOG

CATALOG_SCHEMAS = Catalog.load(CATALOG)
NAMES = ["PermitGranted", "CaseOpened", "PaymentReceived", "ResidentNotificationRequested"]
ORDERED_OPS = ["==", "!=", "<", "<=", ">", ">="]
EQUALITY_OPS = ["==", "!="]
MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
properties = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def quoted(text: str) -> st.SearchStrategy[str]:
    """``text`` as a filter string literal, double-quoted (JSON) or single-quoted."""
    single = "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    return st.sampled_from([json.dumps(text), json.dumps(text, ensure_ascii=False), single])


def literals(kind: FieldType, schema: EventSchema) -> st.SearchStrategy[str]:
    """Literals a path of ``kind`` compares with."""
    if kind.kind == "string":
        return st.text(max_size=8).flatmap(quoted)
    if kind.kind == "enum":
        return st.sampled_from(kind.symbols).flatmap(quoted)
    if kind.kind == "number":
        numbers = st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False)
        return numbers.map(repr)
    if kind.kind == "boolean":
        return st.sampled_from(["true", "false"])
    if kind.kind == "date":
        return st.dates().map(lambda day: f'"{day.isoformat()}"')
    assert kind.kind == "timestamp"
    return st.datetimes(timezones=OFFSETS).map(lambda t: f'"{t.isoformat()}"') | st.dates().map(
        lambda day: f'"{day}"'
    )


def paths(schema: EventSchema) -> list[tuple[str, FieldType]]:
    """Every path a filter may compare for ``schema``, with its type."""
    found = [("source", FieldType("string")), ("subject", FieldType("string", True))]
    found.append(("time", FieldType("timestamp")))
    for info in walk_fields(schema.parsed):
        if "[" in info.path or "{" in info.path:
            continue
        _, (kind,) = resolve_path(f"data.{info.path}", [schema])
        if kind.kind in ("string", "enum", "number", "boolean", "date", "timestamp"):
            found.append((f"data.{info.path}", kind))
    return found


@st.composite
def atoms(draw: st.DrawFn, schema: EventSchema) -> str:
    """One condition: a comparison, a membership, a presence test or a constant."""
    path, kind = draw(st.sampled_from(paths(schema)))
    names = st.sampled_from([schema.name, schema.type]).flatmap(quoted)
    shape = draw(st.sampled_from(["compare", "in", "exists", "null", "event", "constant"]))
    if shape == "event":
        attribute = draw(st.sampled_from(["type", "event"]))
        values = names if attribute == "type" else quoted(schema.name)
        return f"{attribute} {draw(st.sampled_from(EQUALITY_OPS))} {draw(values)}"
    if shape == "exists":
        return f"exists({path})"
    if shape == "null":
        return f"{path} {draw(st.sampled_from(EQUALITY_OPS))} null"
    if shape == "constant":
        return draw(st.sampled_from(["true", "false"]))
    if shape == "in":
        items = draw(st.lists(literals(kind, schema), max_size=3))
        negation = draw(st.sampled_from(["in", "not in"]))
        return f"{path} {negation} [{', '.join(items)}]"
    if kind.kind == "boolean" and draw(st.booleans()):
        return path
    ops = ORDERED_OPS if kind.kind not in ("enum", "boolean") else EQUALITY_OPS
    return f"{path} {draw(st.sampled_from(ops))} {draw(literals(kind, schema))}"


def filters(schema: EventSchema) -> st.SearchStrategy[str]:
    """Random well-typed filters for ``schema``: atoms joined with and, or, not, ()."""

    def joined(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        pairs = st.tuples(inner, inner)
        return (
            pairs.map(lambda ab: f"{ab[0]} and {ab[1]}")
            | pairs.map(lambda ab: f"{ab[0]} or {ab[1]}")
            | inner.map(lambda a: f"not ({a})")
            | inner.map(lambda a: f"({a})")
        )

    return st.recursive(atoms(schema), joined, max_leaves=6)


def compiled(text: str, schema: EventSchema) -> Filter:
    return compile_filter(text, [schema])


schema_names = pytest.mark.parametrize("name", NAMES)


@schema_names
@properties
@given(data=st.data())
def test_well_typed_filters_compile_and_evaluate_to_booleans(
    name: str, data: st.DataObject
) -> None:
    schema = CATALOG_SCHEMAS.get(name)
    text = data.draw(filters(schema), label="filter")
    event = data.draw(events(schema), label="event")
    assert compiled(text, schema).matches(event) in (True, False)


@schema_names
@properties
@given(data=st.data())
def test_not_negates(name: str, data: st.DataObject) -> None:
    schema = CATALOG_SCHEMAS.get(name)
    text = data.draw(filters(schema), label="filter")
    event = data.draw(events(schema), label="event")
    assert compiled(f"not ({text})", schema).matches(event) is not compiled(text, schema).matches(
        event
    )


@schema_names
@properties
@given(data=st.data())
def test_and_and_or_combine_like_booleans(name: str, data: st.DataObject) -> None:
    schema = CATALOG_SCHEMAS.get(name)
    a, b = data.draw(filters(schema), label="a"), data.draw(filters(schema), label="b")
    event = data.draw(events(schema), label="event")
    first, second = compiled(a, schema).matches(event), compiled(b, schema).matches(event)
    assert compiled(f"({a}) and ({b})", schema).matches(event) is (first and second)
    assert compiled(f"({a}) or ({b})", schema).matches(event) is (first or second)
    assert compiled(f"not ({a}) and not ({b})", schema).matches(event) is (
        compiled(f"not (({a}) or ({b}))", schema).matches(event)
    )


@schema_names
@properties
@given(data=st.data())
def test_in_is_equality_with_any_item(name: str, data: st.DataObject) -> None:
    schema = CATALOG_SCHEMAS.get(name)
    path, kind = data.draw(st.sampled_from(paths(schema)), label="path")
    items = data.draw(st.lists(literals(kind, schema), min_size=1, max_size=3), label="items")
    event = data.draw(events(schema), label="event")
    member = compiled(f"{path} in [{', '.join(items)}]", schema).matches(event)
    either = " or ".join(f"{path} == {item}" for item in items)
    assert member is compiled(either, schema).matches(event)
    assert compiled(f"{path} not in [{', '.join(items)}]", schema).matches(event) is not member


@schema_names
@properties
@given(data=st.data())
def test_a_literal_may_stand_on_either_side(name: str, data: st.DataObject) -> None:
    schema = CATALOG_SCHEMAS.get(name)
    path, kind = data.draw(st.sampled_from(paths(schema)), label="path")
    literal = data.draw(literals(kind, schema), label="literal")
    ops = ORDERED_OPS if kind.kind not in ("enum", "boolean") else EQUALITY_OPS
    op = data.draw(st.sampled_from(ops), label="op")
    event = data.draw(events(schema), label="event")
    assert compiled(f"{path} {op} {literal}", schema).matches(event) is compiled(
        f"{literal} {MIRROR[op]} {path}", schema
    ).matches(event)


@properties
@given(data=st.data(), text=st.text(max_size=20))
def test_string_literals_read_back_what_was_quoted(
    catalog: Catalog, data: st.DataObject, text: str
) -> None:
    schema = catalog.get("PermitGranted")
    event = data.draw(events(schema), label="event")
    event = type(event)(type=event.type, source=event.source, data={"measure": text})
    literal = data.draw(quoted(text), label="literal")
    assert compiled(f"data.measure == {literal}", schema).matches(event)


FILTER_ALPHABET = string.ascii_letters[:8] + "data.eventypsub _()[],'\"\\=!<>&|-0123456789\n"
FILTER_WORDS = st.sampled_from(
    ["data.", "caseNumber", "fee", "amountOre", "and", "or", "not", "in", "exists", "null"]
)


@properties
@given(
    text=st.lists(st.text(FILTER_ALPHABET, max_size=4) | FILTER_WORDS, max_size=12).map(" ".join)
)
def test_any_text_compiles_or_fails_with_an_expression_error(catalog: Catalog, text: str) -> None:
    problem: ExpressionError | None = None
    try:
        result: Any = compile_filter(text, [catalog.get("PermitGranted")])
    except ExpressionError as exc:
        problem = exc
    if problem is None:
        assert isinstance(result, Filter)
    else:
        assert problem.message
        assert problem.column is None or problem.column >= 1
