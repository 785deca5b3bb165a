"""A route's dead letters: the original record, untouched, plus headers saying what failed.

Headers added (UTF-8): ``hub_dlq_route``, ``hub_dlq_topic``, ``hub_dlq_partition``,
``hub_dlq_offset`` (where the record came from), ``hub_dlq_error_class``,
``hub_dlq_error`` (message), ``hub_dlq_attempts``, ``hub_dlq_first_failure`` and
``hub_dlq_last_failure`` (RFC 3339). The original headers (``ce_*``) are kept, so a dead
letter is still a readable event and ``hub dlq replay`` can send it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PREFIX = "hub_dlq_"


@dataclass(frozen=True)
class Failure:
    error_class: str
    message: str
    attempts: int
    first: dt.datetime
    last: dt.datetime


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deadletter_headers(route: str, record: Any, failure: Failure) -> list[tuple[str, bytes]]:
    """The record's own headers (without earlier ``hub_dlq_*``) plus the failure's."""
    kept = [(k, v) for k, v in (record.headers or []) if not k.startswith(PREFIX)]
    added = {
        "route": route,
        "topic": record.topic,
        "partition": str(record.partition),
        "offset": str(record.offset),
        "error_class": failure.error_class,
        "error": failure.message[:2000],
        "attempts": str(failure.attempts),
        "first_failure": _stamp(failure.first),
        "last_failure": _stamp(failure.last),
    }
    return kept + [(PREFIX + k, v.encode()) for k, v in added.items()]


def failure_info(headers: Sequence[tuple[str, bytes]]) -> Mapping[str, str]:
    """The ``hub_dlq_*`` headers of a dead letter, without the prefix."""
    return {
        k.removeprefix(PREFIX): v.decode(errors="replace")
        for k, v in headers
        if k.startswith(PREFIX)
    }
