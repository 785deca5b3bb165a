"""Small catalogs written into a temporary folder, for tests of loading and checking."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def field(name: str, type_: Any, doc: str = "A field.", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "doc": doc, **extra}


def event_schema(
    name: str, fields: Sequence[dict[str, Any]], domain: str = "permit", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "record",
        "name": name,
        "namespace": f"se.kommun.hub.{domain}",
        "doc": f"The {name} event.",
        "fields": [field("caseNumber", "string", "The case number."), *fields],
        **extra,
    }


def write_event(
    root: Path,
    name: str,
    versions: Sequence[dict[str, Any] | str],
    *,
    domain: str = "permit",
    meta: str = "key: caseNumber\n",
) -> Path:
    """``root/<domain>/<name>/`` with ``event.yaml`` and ``v1.avsc`` ... (dicts as JSON)."""
    folder = root / domain / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(meta)
    for number, schema in enumerate(versions, 1):
        text = schema if isinstance(schema, str) else json.dumps(schema, indent=2)
        (folder / f"v{number}.avsc").write_text(text)
    return folder
