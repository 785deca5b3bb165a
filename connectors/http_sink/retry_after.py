"""The ``Retry-After`` header: delay seconds or an HTTP-date (RFC 9110, section 10.2.3)."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait, or None when the header is absent or unreadable.

    A date in the past means "now" (0 seconds).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": UTC by RFC 5322
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())
