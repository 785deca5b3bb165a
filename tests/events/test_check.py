"""``hub schemas check``: the real catalog passes; incompatible and sloppy schemas fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hub.cli.schemas import app
from hub.events import Compatibility, check_catalog
from tests.events.catalog_files import event_schema, field, write_event
from tests.events.conftest import CATALOG, FIXTURES

runner = CliRunner()


def test_the_real_catalog_passes_the_check() -> None:
    report = check_catalog(CATALOG)
    assert report.problems == ()
    assert report.incompatibilities == ()
    assert report.events == 14


def test_the_command_passes_on_the_real_catalog() -> None:
    result = runner.invoke(app, ["check", "--catalog", str(CATALOG)])
    assert result.exit_code == 0, result.output
    assert "14 events, 15 schema versions" in result.output


def test_an_incompatible_version_names_event_versions_and_field() -> None:
    report = check_catalog(FIXTURES / "incompatible")
    assert not report.ok
    found = {
        (i.event, i.reader_version, i.writer_version, i.field) for i in report.incompatibilities
    }
    assert found == {
        ("permit/PermitGranted", 2, 1, "fee.amountOre"),
        ("permit/PermitGranted", 1, 2, "fee.amountOre"),
    }


def test_the_command_fails_on_the_incompatible_catalog() -> None:
    result = runner.invoke(app, ["check", "--catalog", str(FIXTURES / "incompatible")])
    assert result.exit_code == 1
    assert "permit/PermitGranted: v2 cannot read data written with v1" in result.output
    assert "'fee.amountOre'" in result.output
    assert "reader type: string not compatible with writer type: long" in result.output


# --- compatibility modes, decided by the avro package's checker ------------------------------

V1 = event_schema("PermitGranted", [field("fee", "long")])
ADDED_WITHOUT_DEFAULT = event_schema("PermitGranted", [field("fee", "long"), field("extra", "int")])
ADDED_WITH_DEFAULT = event_schema(
    "PermitGranted", [field("fee", "long"), field("extra", "int", default=0)]
)
REMOVED = event_schema("PermitGranted", [])
DEFAULT_DROPPED = event_schema(
    "PermitGranted", [field("fee", "long"), field("extra", "int"), field("more", "int", default=0)]
)


def _check(tmp_path: Path, versions: list[dict[str, Any]], mode: Compatibility) -> list[str]:
    write_event(
        tmp_path, "PermitGranted", versions, meta=f"key: caseNumber\ncompatibility: {mode}\n"
    )
    report = check_catalog(tmp_path)
    assert report.problems == ()
    return [f"v{i.reader_version}<-v{i.writer_version}:{i.field}" for i in report.incompatibilities]


@pytest.mark.parametrize(
    ("versions", "mode", "expected"),
    [
        # a new field without a default: the new reader has nothing for old data
        ([V1, ADDED_WITHOUT_DEFAULT], Compatibility.BACKWARD, ["v2<-v1:extra"]),
        ([V1, ADDED_WITHOUT_DEFAULT], Compatibility.FORWARD, []),
        ([V1, ADDED_WITHOUT_DEFAULT], Compatibility.FULL, ["v2<-v1:extra"]),
        ([V1, ADDED_WITHOUT_DEFAULT], Compatibility.NONE, []),
        # a removed field without a default: old readers have nothing for new data
        ([V1, REMOVED], Compatibility.BACKWARD, []),
        ([V1, REMOVED], Compatibility.FORWARD, ["v1<-v2:fee"]),
        ([V1, REMOVED], Compatibility.FULL_TRANSITIVE, ["v1<-v2:fee"]),
        # added with a default: fine both ways
        ([V1, ADDED_WITH_DEFAULT], Compatibility.FULL_TRANSITIVE, []),
        # v3 drops the default v2 gave: fine against v2, not against v1
        ([V1, ADDED_WITH_DEFAULT, DEFAULT_DROPPED], Compatibility.BACKWARD, []),
        (
            [V1, ADDED_WITH_DEFAULT, DEFAULT_DROPPED],
            Compatibility.BACKWARD_TRANSITIVE,
            ["v3<-v1:extra"],
        ),
    ],
)
def test_modes(
    tmp_path: Path, versions: list[dict[str, Any]], mode: Compatibility, expected: list[str]
) -> None:
    assert _check(tmp_path, versions, mode) == expected


def _with_enum(symbols: list[str], default: str | None) -> dict[str, Any]:
    enum: dict[str, Any] = {"type": "enum", "name": "Kind", "doc": "A kind.", "symbols": symbols}
    if default:
        enum["default"] = default
    return event_schema("PermitGranted", [field("kind", enum)])


def test_an_enum_with_a_default_can_grow(tmp_path: Path) -> None:
    versions = [_with_enum(["A", "OTHER"], "OTHER"), _with_enum(["A", "B", "OTHER"], "OTHER")]
    assert _check(tmp_path, versions, Compatibility.FULL_TRANSITIVE) == []


def test_an_enum_without_a_default_cannot_grow(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [_with_enum(["A"], None), _with_enum(["A", "B"], None)])
    report = check_catalog(tmp_path)
    assert [str(i.field) for i in report.incompatibilities] == ["kind"]
    assert "symbols {'B'}" in report.incompatibilities[0].reason
    assert any(
        "enum se.kommun.hub.permit.Kind has no default symbol" in p.message for p in report.problems
    )


def test_a_field_in_an_optional_record_is_named(tmp_path: Path) -> None:
    def version(amount_type: str) -> dict[str, Any]:
        money = {
            "type": "record",
            "name": "Money",
            "doc": "Money.",
            "fields": [field("amountOre", amount_type)],
        }
        return event_schema(
            "PermitGranted", [field("fees", {"type": "array", "items": ["null", money]})]
        )

    found = _check(tmp_path, [version("long"), version("string")], Compatibility.BACKWARD)
    assert found == ["v2<-v1:fees[].amountOre"]


def test_a_declared_major_separates_breaking_versions(tmp_path: Path) -> None:
    meta = "key: caseNumber\nmajors: {1: 1, 2: 2}\n"
    write_event(tmp_path, "PermitGranted", [V1, REMOVED], meta=meta)
    report = check_catalog(tmp_path)
    assert report.ok, report
    assert [s.type for s in report.schemas] == [
        "se.kommun.hub.permit.PermitGranted.v1",
        "se.kommun.hub.permit.PermitGranted.v2",
    ]


# --- the schema rules ---------------------------------------------------------------------------


def _lint(tmp_path: Path, schema: dict[str, Any]) -> str:
    write_event(tmp_path, "PermitGranted", [schema])
    return "\n".join(str(p) for p in check_catalog(tmp_path).problems)


def test_every_field_needs_a_doc_at_any_depth(tmp_path: Path) -> None:
    inner = {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "int"}]}
    schema = event_schema("PermitGranted", [field("inner", inner)])
    assert "permit/PermitGranted/v1.avsc: field 'inner.x' has no doc" in _lint(tmp_path, schema)


def test_the_record_needs_a_doc(tmp_path: Path) -> None:
    schema = event_schema("PermitGranted", [])
    del schema["doc"]
    assert "record se.kommun.hub.permit.PermitGranted has no doc" in _lint(tmp_path, schema)


def test_classification_values_are_known(tmp_path: Path) -> None:
    schema = event_schema(
        "PermitGranted", [field("who", "string", **{"hub.classification": "secret"})]
    )
    assert "field 'who' has hub.classification 'secret'" in _lint(tmp_path, schema)


@pytest.mark.parametrize(
    ("type_", "default"),
    [
        (["null", "string"], "x"),
        ({"type": "enum", "name": "E", "doc": "E.", "symbols": ["A"], "default": "A"}, "B"),
        ({"type": "array", "items": "int"}, ["a"]),
        ("int", 2**40),
    ],
)
def test_defaults_must_fit_their_type(tmp_path: Path, type_: Any, default: Any) -> None:
    schema = event_schema("PermitGranted", [field("f", type_, default=default)])
    assert f"field 'f': default {default!r}" in _lint(tmp_path, schema)


def test_check_reports_load_problems_too(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [json.dumps(V1)[:-2]])
    report = check_catalog(tmp_path)
    assert [p.where for p in report.problems] == ["permit/PermitGranted/v1.avsc"]
