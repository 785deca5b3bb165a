"""docs/events.md is generated from the catalog and must not go stale; docs/wire-format.md's
example record must still decode."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from hub.cli.schemas import app
from hub.events import Catalog, Decoder
from hub.events.docs import render
from tests.events.conftest import CATALOG, ROOT

EVENTS_MD = ROOT / "docs" / "events.md"
WIRE_FORMAT_MD = ROOT / "docs" / "wire-format.md"


def test_the_committed_event_reference_is_current(catalog: Catalog) -> None:
    assert EVENTS_MD.read_text("utf-8") == render(catalog), (
        "docs/events.md is stale: run `hub schemas docs`"
    )


def test_the_reference_shows_types_keys_topics_and_marks(catalog: Catalog) -> None:
    text = render(catalog, topic_prefix="umea")
    assert "| type | `se.kommun.hub.permit.PermitGranted.v1` |" in text
    assert "| topic | `umea.permit` |" in text
    assert "| key and subject | `caseNumber` |" in text
    assert "| `parties[].identityNumber` | `null \\| string` | `null` | **sensitive** |" in text
    assert "#### PermitGranted v2" in text
    assert "#### PermitGranted v1" in text


def test_docs_command_writes_and_checks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    target = tmp_path / "events.md"
    args = ["docs", "--catalog", str(CATALOG), "--output", str(target)]
    assert runner.invoke(app, [*args, "--check"]).exit_code == 1
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0
    assert target.read_text("utf-8") == EVENTS_MD.read_text("utf-8")


def test_the_example_in_the_wire_format_decodes(catalog: Catalog) -> None:
    text = WIRE_FORMAT_MD.read_text("utf-8")
    example = text.split("<!-- example -->", 2)[1]
    headers = [
        (name, value.encode())
        for name, value in re.findall(r"^\| `([a-z_-]+)` \| `([^`]*)` \|", example, re.MULTILINE)
    ]
    key = re.search(r"^key: `([^`]*)`", example, re.MULTILINE)
    value = re.search(r"```text\n(.*?)```", example, re.DOTALL)
    assert key
    assert value
    assert headers
    event = Decoder(catalog).decode(key.group(1).encode(), bytes.fromhex(value.group(1)), headers)
    assert event.type == "se.kommun.hub.registry.CaseClosed.v1"
    assert event.data["caseNumber"] == "KS 2026/00873"
