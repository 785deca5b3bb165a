"""``hub schemas check``: the catalog loads, follows its rules, and evolves compatibly."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from hub.events.catalog import EventSchema
from hub.events.compat import Incompatibility, check_versions
from hub.events.errors import Problem
from hub.events.loader import read_catalog
from hub.events.rules import lint


@dataclass(frozen=True)
class CheckReport:
    """Everything wrong with a catalog; ``ok`` when nothing is."""

    root: Path
    schemas: tuple[EventSchema, ...]
    problems: tuple[Problem, ...]
    incompatibilities: tuple[Incompatibility, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.incompatibilities

    @property
    def events(self) -> int:
        return len({schema.name for schema in self.schemas})


def check_catalog(root: Path) -> CheckReport:
    """Load ``root``, apply the schema rules, and check every event's versions under its
    compatibility mode, within each major version."""
    schemas, problems = read_catalog(root)
    for schema in schemas:
        where = str(schema.path.relative_to(root))
        problems += [Problem(where, message) for message in lint(schema.parsed)]
    found: list[Incompatibility] = []
    ordered = sorted(schemas, key=lambda s: (s.domain, s.name, s.major, s.version))
    for _, group in groupby(ordered, key=lambda s: (s.domain, s.name, s.major)):
        versions = list(group)
        found += check_versions(
            versions[0].event,
            [(schema.version, schema.avro) for schema in versions],
            versions[0].compatibility,
        )
    return CheckReport(root, tuple(schemas), tuple(problems), tuple(found))
