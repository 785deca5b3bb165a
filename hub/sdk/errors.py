"""The errors a connector raises to steer the runtime; each carries what the runtime needs."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every error a connector raises on purpose."""


class TransientError(ConnectorError):
    """The external system failed in a way that may pass (down, timeout, locked).

    The runtime retries with capped exponential backoff and jitter, or after
    ``retry_after`` seconds when the system said so.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalError(ConnectorError):
    """The connector cannot go on (bad configuration discovered late, fenced, ...).

    The runtime stops this connector, marks it down and keeps the others running.
    """
