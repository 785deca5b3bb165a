"""CloudEvents attributes as Kafka headers (Kafka protocol binding, binary content mode).

Every attribute is a UTF-8 header ``ce_<attribute>``, except ``datacontenttype``, which is
the ``content-type`` header. The W3C trace context travels in ``traceparent``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from hub.events.errors import MalformedHeader, MissingHeader

PREFIX = "ce_"
SPECVERSION = b"1.0"
CONTENT_TYPE = b"application/avro"
TRACEPARENT = "traceparent"
SPECVERSION_HEADER = ("ce_specversion", SPECVERSION)
CONTENT_TYPE_HEADER = ("content-type", CONTENT_TYPE)
REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type")
OPTIONAL = ("ce_subject", "ce_dataschema", TRACEPARENT)

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def format_time(moment: datetime) -> bytes:
    """RFC 3339 in UTC with microseconds and a ``Z``: ``2026-03-01T09:30:00.000000Z``."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return b"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
    )


def time_formatter() -> Callable[[datetime], bytes]:
    """``format_time`` that keeps the second it formatted last.

    Events come in bursts: most of a batch's times fall in the same second, and then only
    the microseconds are formatted. That second is kept as its start and end: two datetime
    comparisons (in UTC, a byte comparison) tell whether a time falls in it. Safe to share
    between threads (one tuple is swapped).
    """
    window = (_FAR_PAST, _FAR_PAST, b"")  # start, end, b"YYYY-MM-DDTHH:MM:SS."

    def formatted(moment: datetime) -> bytes:
        nonlocal window
        if moment.tzinfo is not UTC:
            moment = moment.astimezone(UTC)
        start, end, prefix = window
        if not start <= moment < end:
            prefix = format_time(moment)[:20]
            start = moment.replace(microsecond=0)
            end = start + _SECOND if start < _LAST_SECOND else start  # that one is not kept
            window = (start, end, prefix)
        return prefix + b"%06dZ" % moment.microsecond

    return formatted


# format_time's form, YYYY-MM-DDTHH:MM:SS.ffffffZ, is 27 bytes ending in Z, with these at
# every third byte from the fifth to the twentieth: what parse_time reads by its fast path.
HUB_TIME_MARKS = b"--T::."
_SECOND = timedelta(seconds=1)
_FAR_PAST = datetime.min.replace(tzinfo=UTC)
_LAST_SECOND = datetime.max.replace(microsecond=0, tzinfo=UTC)


def parse_time(header: str, raw: bytes | None) -> datetime:
    """A timezone-aware datetime from an RFC 3339 header value."""
    if raw is not None and raw[26:] == b"Z" and raw[4:20:3] == HUB_TIME_MARKS:
        try:  # the form the hub writes, YYYY-MM-DDTHH:MM:SS.ffffffZ: the fast path
            return datetime.fromisoformat(raw.decode())
        except ValueError:
            pass  # a wrong digit or date: the general path says what
    try:
        text = raw.decode()  # type: ignore[union-attr]
    except (AttributeError, UnicodeDecodeError):
        raise text_error({header: raw}, (header,)) from None
    if _RFC3339.fullmatch(text):
        try:
            return datetime.fromisoformat(text.upper())
        except ValueError as exc:
            raise MalformedHeader(header, raw, f"not a valid date and time: {exc}") from None
    raise MalformedHeader(header, raw, "not an RFC 3339 timestamp like 2026-03-02T09:30:00Z")


def text_error(headers: Mapping[str, bytes | None], names: Sequence[str]) -> MalformedHeader:
    """The first of ``names`` whose value is not UTF-8 text, as an error."""
    for name in names:
        raw = headers.get(name)
        if raw is None:
            if name in headers:
                return MalformedHeader(name, raw, "has no value")
            continue
        try:
            raw.decode()
        except (UnicodeDecodeError, AttributeError):
            return MalformedHeader(name, raw, "not UTF-8 text")
    return MalformedHeader(",".join(names), None, "not UTF-8 text")


def missing(headers: Mapping[str, bytes | None], names: Sequence[str]) -> MissingHeader:
    """The first of ``names`` absent from ``headers``, as an error."""
    return MissingHeader(next((name for name in names if name not in headers), names[0]))


def duplicate(headers: Sequence[tuple[str, bytes | None]]) -> MalformedHeader | None:
    """A CloudEvents header given twice, as an error (other headers may repeat)."""
    seen: set[str] = set()
    for name, raw in headers:
        if name.startswith(PREFIX) or name in ("content-type", TRACEPARENT):
            if name in seen:
                return MalformedHeader(name, raw, "appears more than once")
            seen.add(name)
    return None
