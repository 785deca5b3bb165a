"""Schema evolution: is each version of an event readable across its compatibility mode?

The verdict is the Apache ``avro`` package's ``ReaderWriterCompatibilityChecker``. When it
says no, the same checker is asked about the schemas' parts, field by field, to name the
field at fault (its own locations count field positions and lose their way in unions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from avro.compatibility import (
    ReaderWriterCompatibilityChecker,
    SchemaCompatibilityResult,
    SchemaCompatibilityType,
    SchemaIncompatibilityType,
    lookup_writer_field,
    schema_name_equals,
)


class Compatibility(StrEnum):
    """Which readers must read which writers, as in Confluent's Schema Registry."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"  # the new version reads data written with the previous one
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"  # ... with every earlier one
    FORWARD = "FORWARD"  # the previous version reads data written with the new one
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"  # every earlier one reads the new one's data
    FULL = "FULL"  # both, with the previous version
    FULL_TRANSITIVE = "FULL_TRANSITIVE"  # both, with every earlier version

    @property
    def backward(self) -> bool:
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        return self.value.startswith(("FORWARD", "FULL"))

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")


@dataclass(frozen=True)
class Incompatibility:
    """Data written with ``writer_version`` cannot be read with ``reader_version``."""

    event: str
    reader_version: int
    writer_version: int
    field: str | None
    reason: str

    @property
    def direction(self) -> str:
        return "BACKWARD" if self.reader_version > self.writer_version else "FORWARD"

    def __str__(self) -> str:
        where = f"field {self.field!r}" if self.field else "the record"
        return (
            f"{self.event}: v{self.reader_version} cannot read data written with "
            f"v{self.writer_version} ({self.direction}): {where}: {self.reason}"
        )


def check_versions(
    event: str, versions: Sequence[tuple[int, Any]], mode: Compatibility
) -> list[Incompatibility]:
    """Every incompatibility under ``mode`` among ``(version, avro schema)``, oldest first."""
    found: list[Incompatibility] = []
    for i, (new_version, new) in enumerate(versions):
        earlier = versions[:i] if mode.transitive else versions[max(0, i - 1) : i]
        for old_version, old in earlier:
            if mode.backward:
                found += [
                    Incompatibility(event, new_version, old_version, field, reason)
                    for field, reason in incompatibilities(new, old)
                ]
            if mode.forward:
                found += [
                    Incompatibility(event, old_version, new_version, field, reason)
                    for field, reason in incompatibilities(old, new)
                ]
    return found


def incompatibilities(reader: Any, writer: Any) -> list[tuple[str | None, str]]:
    """``(field path, reason)`` for each reason ``reader`` cannot read ``writer``'s data."""
    checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
    verdict = checker.get_compatibility(reader, writer)
    if verdict.compatibility is SchemaCompatibilityType.compatible:
        return []
    return _locate(checker, reader, writer, "") or [(None, _reason(verdict))]


def _fails(checker: ReaderWriterCompatibilityChecker, reader: Any, writer: Any) -> bool:
    result = checker.get_compatibility(reader, writer)
    return result.compatibility is SchemaCompatibilityType.incompatible


def _locate(
    checker: ReaderWriterCompatibilityChecker, reader: Any, writer: Any, path: str
) -> list[tuple[str | None, str]]:
    where = path or None
    if writer.type == "union":
        found: list[tuple[str | None, str]] = []
        for branch in writer.schemas:
            if _fails(checker, reader, branch):
                found += _locate(checker, reader, branch, path)
        return found
    if reader.type == "union":
        match = next((b for b in reader.schemas if _same_kind(b, writer)), None)
        if match is not None:
            return _locate(checker, match, writer, path)
        return [(where, f"the reader's union has no branch for the writer's {_kind(writer)}")]
    if reader.type == writer.type == "record" and schema_name_equals(reader, writer):
        return _locate_fields(checker, reader, writer, path)
    if reader.type == writer.type == "array":
        return _locate(checker, reader.items, writer.items, f"{path}[]")
    if reader.type == writer.type == "map":
        return _locate(checker, reader.values, writer.values, f"{path}{{}}")
    return [(where, _reason(checker.get_compatibility(reader, writer)))]


def _locate_fields(
    checker: ReaderWriterCompatibilityChecker, reader: Any, writer: Any, path: str
) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    for field in reader.fields:
        field_path = f"{path}.{field.name}" if path else field.name
        source = lookup_writer_field(writer_schema=writer, reader_field=field)
        if source is None:
            if not field.has_default:
                found.append(
                    (
                        field_path,
                        "the reader expects this field, the writer's schema lacks it, and "
                        "the reader's schema gives it no default: add a default",
                    )
                )
        elif _fails(checker, field.type, source.type):
            found += _locate(checker, field.type, source.type, field_path)
    return found


def _same_kind(reader: Any, writer: Any) -> bool:
    if reader.type != writer.type:
        return False
    return not hasattr(reader, "fullname") or schema_name_equals(reader, writer)


def _kind(schema: Any) -> str:
    name = getattr(schema, "fullname", None)
    return f"{schema.type} {name}" if name else str(schema.type)


_PHRASES = {
    SchemaIncompatibilityType.type_mismatch: "the type changed incompatibly ({})",
    SchemaIncompatibilityType.missing_enum_symbols: (
        "the writer's enum has symbols {} the reader's lacks, and the reader's enum has no "
        "default symbol to read them as"
    ),
    SchemaIncompatibilityType.name_mismatch: "a named type was renamed without an alias ({})",
    SchemaIncompatibilityType.fixed_size_mismatch: "the fixed size changed ({})",
    SchemaIncompatibilityType.missing_union_branch: "the union lost a branch ({})",
    SchemaIncompatibilityType.reader_field_missing_default_value: (
        "field {} is new to the reader and has no default"
    ),
}


def _reason(result: SchemaCompatibilityResult) -> str:
    messages = "; ".join(sorted(result.messages))
    kinds = list(dict.fromkeys(result.incompatibilities))
    if not kinds:
        return messages or "incompatible"
    return "; ".join(_PHRASES[kind].format(messages) for kind in kinds)
