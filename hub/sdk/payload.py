"""Dotted paths into a delivery's payload, for sinks that take fields from it.

``resident.email`` reads ``payload["resident"]["email"]``; a segment of digits steps into
a list (``applicants.0.name``). Nothing is evaluated: a path only names keys and indexes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))*")


class MissingField(LookupError):
    """The payload has nothing at ``path`` (``missing`` is the first segment not found)."""

    def __init__(self, path: str, missing: str) -> None:
        where = "" if missing == path else f" (no {missing!r})"
        super().__init__(f"the payload has no field {path!r}{where}")
        self.path = path
        self.missing = missing


def check_path(path: str) -> str:
    """``path`` if it is a dotted field path, else ValueError saying what one looks like."""
    if not PATH.fullmatch(path):
        raise ValueError(
            f"{path!r} is not a field path: names of letters, digits and '_' joined by '.', "
            "a number for a list item (resident.email, applicants.0.name)"
        )
    return path


def lookup(payload: Mapping[str, Any], path: str) -> Any:
    """The value at ``path``; :class:`MissingField` when a key or an index is not there."""
    value: Any = payload
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif (
            isinstance(value, Sequence)
            and not isinstance(value, str | bytes)
            and part.isdigit()
            and int(part) < len(value)
        ):
            value = value[int(part)]
        else:
            raise MissingField(path, ".".join(walked))
    return value
