"""What an API's answer means for the delivery: delivered, retry, or dead letter."""

from __future__ import annotations

import httpx

from connectors.http_sink.retry_after import retry_after_seconds
from hub.routing.types import PermanentError
from hub.sdk import TransientError

RETRYABLE = {408, 425, 429}
"""4xx statuses that say "not now" rather than "never"."""
HONOURS_RETRY_AFTER = {429, 503}
EXCERPT = 200


def excerpt(response: httpx.Response) -> str:
    """The start of the body on one line, for error messages."""
    text = " ".join(response.text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def check_answer(response: httpx.Response, accept: frozenset[int] = frozenset()) -> None:
    """Return when ``response`` means delivered; else raise TransientError or PermanentError."""
    status = response.status_code
    if 200 <= status < 300 or status in accept:
        return
    where = f"POST {response.request.url} answered {status} {response.reason_phrase}".rstrip()
    body = excerpt(response)
    message = f"{where}: {body}" if body else where
    if status in RETRYABLE or status >= 500:
        wait = None
        if status in HONOURS_RETRY_AFTER:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
        raise TransientError(message, retry_after=wait)
    if 300 <= status < 400:
        target = response.headers.get("Location")
        hint = f"; point url at {target}" if target else ""
        raise PermanentError(f"{message} (a redirect is not followed{hint})")
    raise PermanentError(message)
