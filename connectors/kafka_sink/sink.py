"""Publishing inside the route's transaction, so the consumed offsets commit with it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from hub.events import Catalog, Encoder, EventSchema, UnknownEventType
from hub.events.jsonvalues import Converter, InvalidValue, converter
from hub.events.model import checked_event
from hub.routing.types import Delivery, KafkaSink, OutRecord, PermanentError, SinkContext
from hub.sdk import FatalError, NameIds

_DERIVED = uuid.UUID("0b0f6c0e-3f0e-4c1e-9d8a-1c7d2b6f4a11")
_DERIVED_IDS = NameIds(_DERIVED)


def derived_id(route: str, original: str) -> str:
    """The id of the event ``route`` derives from event ``original``: the same every time,
    so a repeated delivery is recognisably the same event
    (``str(uuid.uuid5(_DERIVED, f"{route}:{original}"))``)."""
    return _DERIVED_IDS(f"{route}:{original}")


class KafkaSinkConfig(BaseModel):
    """Publishes each routed event to a Kafka topic, exactly once with the route's offsets.

    Without ``event`` the routed event itself (personal data protected as the route says)
    goes to ``topic``. With ``event`` the route's transform output becomes the data of a
    new event of that catalog type, with an id derived from the original's.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str = Field(
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Target topic.",
        examples=["municipal.notifications"],
    )
    event: str | None = Field(
        None,
        description="Catalog event name of a derived event (the transform gives its data).",
        examples=["ResidentNotificationRequested"],
    )
    source: str | None = Field(
        None,
        description="CloudEvents source of derived events (default: the original's).",
        examples=["/kommun/2480/hub"],
    )


class TopicSink(KafkaSink):
    def __init__(self, config: KafkaSinkConfig) -> None:
        self.config = config
        self.encoder: Encoder | None = None
        self.derived: EventSchema | None = None
        self.convert: Converter | None = None

    def open(self, context: SinkContext) -> None:
        if context.encoder is None or context.catalog is None:
            raise FatalError("the kafka sink needs the runtime's event catalog and encoder")
        self.encoder = context.encoder
        if self.config.event is not None:
            catalog: Catalog = context.catalog
            try:
                self.derived = catalog.get(self.config.event)
            except UnknownEventType as exc:
                raise FatalError(f"sink.config.event: {exc}") from exc
            self.convert = converter(self.derived.parsed)
            if self.config.source == "":
                raise FatalError("sink.config.source: must not be empty")

    def records(self, delivery: Delivery) -> list[OutRecord]:
        assert self.encoder is not None
        event = delivery.event
        if self.derived is not None:
            assert self.convert is not None
            payload = delivery.payload
            try:  # the transform's output is JSON: dates and times as text
                data = self.convert(payload if type(payload) is dict else dict(payload), ())
            except InvalidValue as exc:
                raise PermanentError(f"derived {self.derived.name}: {exc}") from exc
            # every attribute comes from the checked original, the catalog or the config
            event = checked_event(
                self.derived.type,
                self.config.source or event.source,
                data,
                derived_id(delivery.route, event.id),
                event.time,
                None,
                None,
                event.traceparent,
                {},
            )
        record = self.encoder.encode(event)  # EventError: the route dead-letters the event
        return [OutRecord(self.config.topic, record.key, record.value, list(record.headers))]
