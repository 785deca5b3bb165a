"""Retrying an external system: capped exponential backoff with jitter (tenacity)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field
from tenacity import (
    RetryCallState,
    Retrying,
    retry_base,
    retry_if_exception_type,
    stop_after_attempt,
    stop_when_event_set,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from hub.sdk.errors import TransientError

TRANSACTION_RETRY_BACKOFF_MS = 20
"""kafka-python's ``retry_backoff_ms`` for the hub's transactional producers.

kafka-python waits ``retry_backoff_ms`` (100 ms by default) before it resends a failed
batch or asks again for metadata, and, unless hub.runtime.producers shortens it, before it
resends a transaction request the broker refused with CONCURRENT_TRANSACTIONS. 20 ms keeps
those retries prompt without asking a broker that is down for metadata every few
milliseconds.
"""


class RetryPolicy(BaseModel):
    """How long to wait between attempts: ``initial * 2**n`` plus jitter, at most ``max``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    initial: float = Field(0.5, gt=0, description="First wait in seconds.")
    max: float = Field(30.0, gt=0, description="Longest wait in seconds.")
    jitter: float = Field(0.5, ge=0, description="Random extra wait, up to this many seconds.")


def _wait_for(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(
        multiplier=policy.initial, max=policy.max, jitter=policy.jitter
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientError) and exc.retry_after is not None:
            return min(exc.retry_after, policy.max)
        return float(backoff(state))

    return wait


def _sleeper(stopping: threading.Event) -> Callable[[float], None]:
    """Sleep that ends early when the process is stopping."""

    def sleep(seconds: float) -> None:
        stopping.wait(seconds)

    return sleep


def retrying(
    policy: RetryPolicy,
    stopping: threading.Event,
    *,
    retry_on: tuple[type[BaseException], ...] | retry_base,
    on_failure: Callable[[BaseException], None],
    max_attempts: int | None = None,
) -> Retrying:
    """Retry ``retry_on`` errors (exception types or a tenacity predicate) until success,
    ``stopping``, or ``max_attempts``; report each failure before its wait."""

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if exc is not None:
            on_failure(exc)

    stop: stop_base = stop_when_event_set(stopping)
    if max_attempts is not None:
        stop = stop | stop_after_attempt(max_attempts)
    return Retrying(
        retry=retry_on if isinstance(retry_on, retry_base) else retry_if_exception_type(retry_on),
        wait=_wait_for(policy),
        stop=stop,
        sleep=_sleeper(stopping),
        before_sleep=before_sleep,
        reraise=True,
    )
