"""Reading a catalog folder into ``EventSchema``s, collecting every problem on the way."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any, cast

import avro.schema
import yaml
from fastavro.schema import parse_schema
from pydantic import ValidationError

from hub.events.catalog import TYPE_PREFIX, Catalog, EventMetadata, EventSchema
from hub.events.errors import CatalogError, Problem
from hub.events.fingerprint import fingerprint
from hub.events.rules import personal_fields

_DOMAIN = re.compile(r"[a-z][a-z0-9]*")
_EVENT = re.compile(r"[A-Z][A-Za-z0-9]*")
_VERSION = re.compile(r"v([1-9][0-9]*)\.avsc")
METADATA_FILE = "event.yaml"


def load_catalog(root: Path) -> Catalog:
    """The catalog in ``root``; raises ``CatalogError`` naming every problem found."""
    schemas, problems = read_catalog(root)
    if problems:
        raise CatalogError(root, problems)
    return Catalog(root, schemas)


def read_catalog(root: Path) -> tuple[list[EventSchema], list[Problem]]:
    """Every schema that loads, and a problem for everything that does not."""
    if not root.is_dir():
        return [], [Problem(str(root), "no such catalog folder")]
    reader = _Reader(root)
    for domain in _entries(root, reader):
        if not _DOMAIN.fullmatch(domain.name):
            reader.problem(domain, "a domain folder is named in lower-case letters and digits")
            continue
        for event in _entries(domain, reader):
            if not _EVENT.fullmatch(event.name):
                reader.problem(event, "an event folder is named in CamelCase, like the record")
                continue
            reader.read_event(domain.name, event)
    reader.check_unique()
    return reader.schemas, reader.problems


def _entries(folder: Path, reader: _Reader) -> list[Path]:
    """Sub-folders to descend into; a problem for any stray file except READMEs."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name.lower() == "readme.md":
            continue
        if entry.is_dir():
            found.append(entry)
        else:
            reader.problem(entry, "unexpected file: events live in <domain>/<Event>/v<N>.avsc")
    return found


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.schemas: list[EventSchema] = []
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        where = path.relative_to(self.root) if path.is_relative_to(self.root) else path
        self.problems.append(Problem(str(where), message))

    def read_event(self, domain: str, folder: Path) -> None:
        meta = self._metadata(folder / METADATA_FILE)
        versions: dict[int, Path] = {}
        for entry in sorted(folder.iterdir()):
            match = _VERSION.fullmatch(entry.name)
            if match:
                versions[int(match.group(1))] = entry
            elif entry.name not in (METADATA_FILE, "README.md") and not entry.name.startswith("."):
                self.problem(entry, "unexpected file: versions are named v1.avsc, v2.avsc, ...")
        if not versions:
            self.problem(folder, "no schema versions: add v1.avsc")
        missing = sorted(set(range(1, max(versions, default=0) + 1)) - set(versions))
        for number in missing:
            self.problem(folder / f"v{number}.avsc", "missing: versions count up from v1")
        if meta is None:
            return
        last_major_start = max(meta.majors.values())
        if versions and last_major_start > max(versions):
            self.problem(folder / METADATA_FILE, f"majors names v{last_major_start}, not here")
        for number, path in sorted(versions.items()):
            schema = self._version(domain, folder.name, number, path, meta)
            if schema is not None:
                self.schemas.append(schema)

    def _metadata(self, path: Path) -> EventMetadata | None:
        if not path.is_file():
            self.problem(path, "missing: it names the key field (key: caseNumber)")
            return None
        try:
            return EventMetadata.model_validate(yaml.safe_load(path.read_text("utf-8")) or {})
        except yaml.YAMLError as exc:
            self.problem(path, f"not valid YAML: {exc}")
        except ValidationError as exc:
            for error in exc.errors():
                place = ".".join(str(p) for p in error["loc"]) or "(top)"
                self.problem(path, f"{place}: {error['msg']}")
        return None

    def _version(
        self, domain: str, event: str, version: int, path: Path, meta: EventMetadata
    ) -> EventSchema | None:
        raw = self._json(path)
        if raw is None:
            return None
        expected = f"{TYPE_PREFIX}.{domain}.{event}"
        if not isinstance(raw, dict) or raw.get("type") != "record":
            self.problem(path, "an event schema is an Avro record")
            return None
        try:
            parsed = cast(dict[str, Any], parse_schema(raw))
            parsed_avro = _parse_avro(json.dumps(raw))
        except Exception as exc:  # both parsers raise several unrelated types
            self.problem(path, f"not a valid Avro schema: {exc}")
            return None
        if parsed["name"] != expected:
            self.problem(
                path,
                f"record {parsed['name']!r} does not match its path, which makes it "
                f'{expected!r}: set "name": "{event}", "namespace": '
                f'"{TYPE_PREFIX}.{domain}"',
            )
            return None
        key_problem = _key_problem(parsed, meta.key)
        if key_problem:
            self.problem(path, key_problem)
            return None
        return EventSchema(
            domain=domain,
            name=event,
            version=version,
            major=meta.major_of(version),
            key_field=meta.key,
            compatibility=meta.compatibility,
            fingerprint=fingerprint(raw),
            path=path,
            schema=raw,
            parsed=parsed,
            avro=parsed_avro,
            personal_fields=personal_fields(parsed),
        )

    def _json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text("utf-8"))
        except UnicodeDecodeError as exc:
            self.problem(path, f"not UTF-8: {exc}")
        except json.JSONDecodeError as exc:
            self.problem(path, f"not valid JSON: {exc.msg} at line {exc.lineno}:{exc.colno}")
        return None

    def check_unique(self) -> None:
        by_name: dict[str, EventSchema] = {}
        by_fingerprint: dict[int, EventSchema] = {}
        for schema in self.schemas:
            other = by_name.setdefault(schema.name, schema)
            if other.domain != schema.domain:
                self.problem(
                    schema.path,
                    f"event name {schema.name} is also used in {other.domain}/: "
                    "event names are unique across the catalog",
                )
            twin = by_fingerprint.setdefault(schema.fingerprint, schema)
            if twin is not schema:
                self.problem(
                    schema.path,
                    f"same Parsing Canonical Form (fingerprint 0x{schema.fingerprint:016x}) as "
                    f"{twin.path.relative_to(self.root)}: readers could not tell them apart. "
                    "A new version must change the data layout; edit docs in place instead",
                )


def _parse_avro(text: str) -> Any:
    """The avro package's parse, with its warnings (e.g. ignored logical types) as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return avro.schema.parse(text)


def _key_problem(parsed: dict[str, Any], key: str) -> str | None:
    field = next((f for f in parsed["fields"] if f["name"] == key), None)
    if field is None:
        return f"the key field {key!r} named in event.yaml is not a top-level field"
    if field["type"] not in ("string", {"type": "string"}):
        return f"the key field {key!r} must be a plain, non-null string"
    return None
