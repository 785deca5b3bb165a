"""The contract between the route runner and a sink.

A route reads an event, decides with its filter whether the event is for this target,
reshapes it with its transform, masks personal data it may not pass on, and hands the
result to its sink as a :class:`Delivery`. The sink returns once the target confirmed
(the route then commits the event's offset), or raises:

* :class:`~hub.sdk.errors.TransientError` — worth retrying (5xx, 429 with
  ``retry_after``, connection refused, lock timeout);
* :class:`PermanentError` — retrying cannot help (4xx other than 408/429, a constraint
  the payload can never satisfy): the event goes to the dead-letter topic at once.

Sinks must be idempotent by ``Delivery.id`` (the event id): delivery is at-least-once,
so after a crash or a rebalance the same event may be delivered again.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hub.events import Catalog, Encoder, Event
from hub.sdk.errors import ConnectorError


class PermanentError(ConnectorError):
    """The target refused the delivery for good; retrying would give the same answer."""


class Delivery:
    """One event for one target, after filter, transform and personal-data protection.

    Immutable. The payload may be built on first use (``Delivery.deferred``): a sink that
    publishes the event itself (a Kafka sink without ``event:``) never pays for it.
    """

    __slots__ = ("_build", "_payload", "event", "headers", "id", "key", "route")

    id: str
    """The event id: the idempotency key targets use to drop duplicates."""
    key: str | None
    """The event's subject (case number, permit id, ...)."""
    event: Event
    """The event as read (personal data already masked unless the route may pass it on)."""
    route: str
    headers: Mapping[str, str]
    _payload: Mapping[str, Any]
    _build: Callable[[], Mapping[str, Any]] | None

    def __init__(
        self,
        id: str,
        key: str | None,
        payload: Mapping[str, Any],
        event: Event,
        route: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "id", id)
        _set(self, "key", key)
        _set(self, "_payload", payload)
        _set(self, "_build", None)
        _set(self, "event", event)
        _set(self, "route", route)
        _set(self, "headers", {} if headers is None else headers)

    @classmethod
    def deferred(
        cls,
        id: str,
        key: str | None,
        build: Callable[[], Mapping[str, Any]],
        event: Event,
        route: str,
    ) -> Delivery:
        """A delivery whose payload ``build()`` makes when a sink first asks for it."""
        delivery = cls(id, key, _NO_PAYLOAD, event, route)
        object.__setattr__(delivery, "_build", build)
        return delivery

    @property
    def payload(self) -> Mapping[str, Any]:
        """What the target receives: the transform's output (JSON-compatible values)."""
        build = self._build
        if build is not None:  # two threads may both build it: the same value either way
            object.__setattr__(self, "_payload", build())
            object.__setattr__(self, "_build", None)
        return self._payload

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Delivery is immutable: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Delivery is immutable: cannot delete {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Delivery):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # the payload is a mutable mapping

    def __repr__(self) -> str:
        values = zip(_FIELDS, self._fields(), strict=True)
        return "Delivery(" + ", ".join(f"{name}={value!r}" for name, value in values) + ")"

    def _fields(self) -> tuple[Any, ...]:
        return (self.id, self.key, self.payload, self.event, self.route, self.headers)


_FIELDS = ("id", "key", "payload", "event", "route", "headers")
_NO_PAYLOAD: Mapping[str, Any] = MappingProxyType({})


@dataclass
class SinkContext:
    """What the route runner gives a sink when it opens."""

    route: str
    stopping: threading.Event = field(default_factory=threading.Event)
    catalog: Catalog | None = None
    encoder: Encoder | None = None
    """Encodes events for the route's topic prefix (Kafka sinks publish with it)."""


class Sink(abc.ABC):
    """Delivers to an external system. Override :meth:`deliver`; the rest is optional."""

    def open(self, context: SinkContext) -> None:  # noqa: B027 - optional hook
        """Connect (called once before the first delivery)."""

    @abc.abstractmethod
    def deliver(self, delivery: Delivery) -> None:
        """Return once the target confirmed; raise TransientError or PermanentError."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


@dataclass(frozen=True)
class OutRecord:
    """A record a Kafka sink publishes inside the route's transaction."""

    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


class KafkaSink(abc.ABC):
    """A sink whose target is Kafka itself: the route publishes its records and commits the
    consumed offsets in one transaction (exactly once from topic to topic)."""

    def open(self, context: SinkContext) -> None:  # noqa: B027 - optional hook
        """Prepare (called once)."""

    @abc.abstractmethod
    def records(self, delivery: Delivery) -> list[OutRecord]:
        """What to publish for this delivery (may be empty)."""
