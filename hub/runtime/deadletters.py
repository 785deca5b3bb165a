"""Dead-letter records: the rejected input as value, the reason in headers."""

from __future__ import annotations

import time

from hub.sdk.types import DeadLetter

Headers = list[tuple[str, bytes]]


def deadletter_headers(connector: str, letter: DeadLetter, now: float | None = None) -> Headers:
    """Headers every dead letter of a source carries (values UTF-8)."""
    stamp = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now if now is not None else time.time())
    )
    return [
        ("hub_dlq_connector", connector.encode()),
        ("hub_dlq_source_key", letter.key.encode()),
        ("hub_dlq_reason", letter.reason.encode()),
        ("hub_dlq_error_class", letter.error_class.encode()),
        ("hub_dlq_time", stamp.encode()),
    ]
