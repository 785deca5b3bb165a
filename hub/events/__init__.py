"""Municipal events: the Avro catalog, the event model, and the Kafka wire format.

>>> catalog = Catalog.load(Path("schemas"))                      # doctest: +SKIP
>>> record = Encoder(catalog).encode(Event(type=..., source=..., data=...))  # doctest: +SKIP
>>> event = Decoder(catalog).decode(record.key, record.value, record.headers)  # doctest: +SKIP

See docs/wire-format.md for the format and docs/events.md for the events.
"""

from hub.events.catalog import (
    DATASCHEMA_PREFIX,
    DEFAULT_TOPIC_PREFIX,
    TYPE_PREFIX,
    Catalog,
    EventMetadata,
    EventSchema,
)
from hub.events.check import CheckReport, check_catalog
from hub.events.codec import ConsumedRecord, Decoder, Encoder, KafkaRecord
from hub.events.compat import Compatibility, Incompatibility
from hub.events.errors import (
    BadMarker,
    CatalogError,
    EventError,
    InvalidEvent,
    MalformedBody,
    MalformedHeader,
    MissingHeader,
    Problem,
    SchemaMismatch,
    TruncatedBody,
    UnknownEventType,
    UnknownFingerprint,
    WireError,
)
from hub.events.fingerprint import canonical_form, crc64_avro, fingerprint, single_object_header
from hub.events.model import Event, source_uri
from hub.events.rules import PersonalField

__all__ = [
    "DATASCHEMA_PREFIX",
    "DEFAULT_TOPIC_PREFIX",
    "TYPE_PREFIX",
    "BadMarker",
    "Catalog",
    "CatalogError",
    "CheckReport",
    "Compatibility",
    "ConsumedRecord",
    "Decoder",
    "Encoder",
    "Event",
    "EventError",
    "EventMetadata",
    "EventSchema",
    "Incompatibility",
    "InvalidEvent",
    "KafkaRecord",
    "MalformedBody",
    "MalformedHeader",
    "MissingHeader",
    "PersonalField",
    "Problem",
    "SchemaMismatch",
    "TruncatedBody",
    "UnknownEventType",
    "UnknownFingerprint",
    "WireError",
    "canonical_form",
    "check_catalog",
    "crc64_avro",
    "fingerprint",
    "single_object_header",
    "source_uri",
]
