"""Events to Kafka records and back, in the wire format of docs/wire-format.md.

A record's value is Avro single-object encoding (``C3 01``, the writer schema's 8-byte
CRC-64-AVRO fingerprint, the Avro body); its key is the event's subject; its headers are
the CloudEvents attributes (binary content mode). Readers find the writer schema by
fingerprint and may read with an older or newer version of the same event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from io import BytesIO
from typing import Any, NamedTuple, Protocol

from fastavro.read import SchemaResolutionError

from hub.events import avro
from hub.events import headers as h
from hub.events.catalog import DEFAULT_TOPIC_PREFIX, Catalog, EventSchema
from hub.events.compat import incompatibilities
from hub.events.errors import (
    EventError,
    InvalidEvent,
    MalformedBody,
    MalformedHeader,
    SchemaMismatch,
    TruncatedBody,
    UnknownEventType,
    UnknownFingerprint,
)
from hub.events.fingerprint import HEADER_SIZE, read_fingerprint, single_object_header
from hub.events.model import NO_EXTENSIONS, TRACEPARENT_FORMAT, Event, check_extensions
from hub.events.validation import Validator

Headers = list[tuple[str, bytes]]


class KafkaRecord(NamedTuple):
    """What to hand a producer: ``send(topic, key=key, value=value, headers=headers)``."""

    topic: str
    key: bytes
    value: bytes
    headers: Headers


_new = tuple.__new__  # _new(KafkaRecord, (...)): KafkaRecord(...) minus a Python-level call
_WRITE_OPTIONS = avro.WRITE_OPTIONS
_SPECVERSION_HEADER = h.SPECVERSION_HEADER
_CONTENT_TYPE_HEADER = h.CONTENT_TYPE_HEADER


class ConsumedRecord(Protocol):
    """A consumed record as clients give it (kafka-python's ``ConsumerRecord`` fits)."""

    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...


class _Writer(NamedTuple):
    """How to write one schema version's events (unpacked at once by ``encode``)."""

    type: str
    topic: str
    prefix: bytes
    type_header: tuple[str, bytes]
    dataschema_header: tuple[str, bytes]
    key_field: str
    parsed: Any
    named: dict[str, Any]
    check: Callable[[Mapping[str, Any]], object] | None  # see avro.record_fields
    pairs: tuple[tuple[str, Any], ...]  # field by field when there is a check
    schema: EventSchema


class Encoder:
    """Turns events into Kafka records; one per process, shared by its producers."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        topic_prefix: str = DEFAULT_TOPIC_PREFIX,
        validate: bool = False,
    ) -> None:
        """``validate`` also checks values the Avro writer would coerce (an int too large
        for its field, a float in an integer field, a string for a date); it walks the data
        once more, which costs about half as much again as writing it."""
        if not topic_prefix or not all(c.isalnum() or c in "._-" for c in topic_prefix):
            raise ValueError(f"topic prefix {topic_prefix!r}: use letters, digits, '.', '_', '-'")
        self._made_with = (catalog, topic_prefix, validate)
        self._validate = validate
        self._format_time = h.time_formatter()
        self._write = avro.functions().write
        self._validators: dict[str, Validator] = {}
        self._writers: dict[str, _Writer] = {}
        for schema in catalog:
            fields = avro.record_fields(schema.parsed)
            self._writers[schema.dataschema] = _Writer(
                schema=schema,
                type=schema.type,
                topic=schema.topic(topic_prefix),
                prefix=single_object_header(schema.fingerprint),
                type_header=("ce_type", schema.type.encode()),
                dataschema_header=("ce_dataschema", schema.dataschema.encode()),
                key_field=schema.key_field,
                parsed=schema.parsed,
                named=avro.writer_types(schema.parsed),
                check=fields.check if fields else None,
                pairs=fields.fields if fields else (),
            )
        self._types = sorted({schema.type for schema in catalog})
        for ce_type in self._types:
            self._writers[ce_type] = self._writers[catalog.by_type(ce_type).dataschema]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as what it was made with (for worker processes), made again there."""
        catalog, topic_prefix, validate = self._made_with
        return (partial(Encoder, topic_prefix=topic_prefix, validate=validate), (catalog,))

    def encode(self, event: Event) -> KafkaRecord:
        """The record for ``event``, written with its ``dataschema`` (default: the latest
        version of its type)."""
        ce_type, source, data, ident, time, subject, dataschema, traceparent, extensions = event
        writer = self._writers.get(dataschema or ce_type)
        if writer is None:
            raise self._unknown(event)
        (
            writer_type,
            topic,
            prefix,
            type_header,
            dataschema_header,
            key_field,
            parsed,
            named,
            check,
            pairs,
            _,
        ) = writer
        if writer_type != ce_type:
            raise self._unknown(event)
        try:
            key = data[key_field]
        except (KeyError, TypeError):
            key = None
        if type(key) is not str or not key:
            raise SchemaMismatch(
                writer.schema.event, key_field, f"the key field must be a non-empty string: {key!r}"
            )
        if subject is not None and subject != key:
            raise InvalidEvent("subject", f"{subject!r} differs from key field {key_field}={key!r}")
        if self._validate:
            found = self._validator(writer.schema)(data)
            if found is not None:
                raise SchemaMismatch(writer.schema.event, *found)
        by_field = False
        if check is not None and type(data) is dict:
            try:
                check(data)  # every field is there, so none is written twice
                by_field = True
            except KeyError:  # a field left out: the record writer fills in its default
                pass
        write = self._write
        body = bytearray(prefix)
        try:
            if by_field:
                for name, field_type in pairs:
                    write(body, data[name], field_type, named, name, _WRITE_OPTIONS)
            else:
                write(body, data, parsed, named, "", _WRITE_OPTIONS)
        except Exception as exc:  # fastavro raises TypeError, ValueError, KeyError, ...
            raise self._mismatch(writer.schema, data, exc) from exc
        key_bytes = key.encode()
        headers = [
            _SPECVERSION_HEADER,
            ("ce_id", ident.encode()),
            ("ce_source", source.encode()),
            type_header,
            ("ce_time", self._format_time(time)),
            ("ce_subject", key_bytes),
            dataschema_header,
            _CONTENT_TYPE_HEADER,
        ]
        if traceparent is not None:
            headers.append((h.TRACEPARENT, traceparent.encode()))
        if extensions:
            headers += [(f"ce_{name}", text.encode()) for name, text in extensions.items()]
        return _new(KafkaRecord, (topic, key_bytes, bytes(body), headers))

    def _validator(self, schema: EventSchema) -> Validator:
        validator = self._validators.get(schema.dataschema)
        if validator is None:
            validator = self._validators[schema.dataschema] = Validator(schema.parsed)
        return validator

    def _mismatch(self, schema: EventSchema, data: Any, cause: Exception) -> SchemaMismatch:
        """Which field the writer choked on."""
        found = self._validator(schema)(data)
        if found is not None:
            return SchemaMismatch(schema.event, *found)
        return SchemaMismatch(schema.event, None, f"{type(cause).__name__}: {cause}")

    def _unknown(self, event: Event) -> UnknownEventType:
        if event.dataschema and event.dataschema in self._writers:
            actual = self._writers[event.dataschema].type
            return UnknownEventType(
                f"data schema {event.dataschema!r} for type {event.type!r}",
                f"that schema belongs to type {actual!r}",
            )
        if event.dataschema:
            return UnknownEventType(f"data schema {event.dataschema!r}")
        known = ", ".join(self._types)
        return UnknownEventType(f"event type {event.type!r}", f"known types: {known}")


# The headers as the Encoder writes them, in its order: records in this layout take the
# decoder's short path; any other layout (a traceparent, extensions, another client's
# order) takes the general one. Both accept and refuse the same records.
_LAYOUT = (
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_subject",
    "ce_dataschema",
    "content-type",
)
_fromisoformat = datetime.fromisoformat
_READ_OPTIONS = avro.READ_OPTIONS
_SPECVERSION = h.SPECVERSION
_CONTENT_TYPE = h.CONTENT_TYPE
_HUB_TIME_MARKS = h.HUB_TIME_MARKS


class Decoder:
    """Turns Kafka records back into events, reading with the writer's schema or a pinned one."""

    def __init__(self, catalog: Catalog, *, readers: Mapping[str, int] | None = None) -> None:
        """``readers`` pins the version this consumer reads each event with, by event name
        (``{"PermitGranted": 1}``); unpinned events read as written."""
        self._catalog = catalog
        self._pins = {name: catalog.get(name, v).version for name, v in (readers or {}).items()}
        self._readings: dict[tuple[int, int], _Reading] = {}
        # by the value's first bytes: marker and fingerprint
        self._by_header = {
            single_object_header(s.fingerprint): self._reading(s, self._pins.get(s.name, s.version))
            for s in catalog
        }

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as what it was made with (for worker processes), made again there."""
        return (partial(Decoder, readers=self._pins), (self._catalog,))

    def decode_record(self, record: ConsumedRecord) -> Event:
        """``decode`` for a consumed record object."""
        return self.decode(record.key, record.value, record.headers)

    def decode(
        self,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        *,
        reader_version: int | None = None,
    ) -> Event:
        """The event in a record; ``reader_version`` reads its data with that version of
        the same event (Avro schema resolution) instead of as written."""
        if not value:
            raise TruncatedBody("record", "the record has no value (a tombstone?)")
        buffer = BytesIO(value)
        reading = self._by_header.get(buffer.read(HEADER_SIZE))  # marker and fingerprint
        if reading is None:
            raise UnknownFingerprint(read_fingerprint(value))
        writer, type_bytes, read, writer_parsed, named, reader_parsed, _, ce_type, dataschema = (
            reading
        )
        hub_layout = False
        if len(headers) == 8:  # len(_LAYOUT)
            try:
                (
                    (n0, spec),
                    (n1, raw_id),
                    (n2, raw_source),
                    (n3, raw_type),
                    (n4, raw_time),
                    (n5, raw_subject),
                    (n6, _),
                    (n7, content_type),
                ) = headers
                if (
                    (n0, n1, n2, n3, n4, n5, n6, n7) == _LAYOUT
                    and spec == _SPECVERSION
                    and raw_type == type_bytes
                    and content_type == _CONTENT_TYPE
                    and raw_id
                    and raw_source
                    and raw_subject
                    and raw_time[26:] == b"Z"  # as h.parse_time's fast path
                    and raw_time[4:20:3] == _HUB_TIME_MARKS
                ):
                    ident = raw_id.decode()
                    source = raw_source.decode()
                    subject: str | None = raw_subject.decode()
                    time = _fromisoformat(raw_time.decode())
                    hub_layout = True
            except (TypeError, ValueError, AttributeError):  # the general path says what
                pass
        if hub_layout:
            traceparent = None
            extensions = NO_EXTENSIONS
        else:
            ident, source, time, subject, traceparent, extensions = _attributes(
                writer, type_bytes, key, headers
            )
        if reader_version is not None:  # after the headers: their errors come first
            reading = self._reading(writer, reader_version)
            _, _, read, writer_parsed, named, reader_parsed, _, ce_type, dataschema = reading
        try:
            data: Any = read(buffer, writer_parsed, named, reader_parsed, _READ_OPTIONS)
        except Exception as exc:  # fastavro: EOFError, IndexError, UnicodeDecodeError, ...
            raise _body_error(exc, len(value), buffer.tell(), reading) from None
        if buffer.tell() != len(value):
            raise MalformedBody(
                f"{writer.event} v{writer.version}",
                f"{len(value) - buffer.tell()} byte(s) after the end of the body",
            )
        return _new(  # checked above: Event() would check it all again
            Event,
            (ce_type, source, data, ident, time, subject, dataschema, traceparent, extensions),
        )

    def _reading(self, writer: EventSchema, version: int) -> _Reading:
        """How to read what ``writer`` wrote as ``version`` of the same event."""
        reading = self._readings.get((writer.fingerprint, version))
        if reading is None:
            reader = (
                writer if version == writer.version else self._catalog.get(writer.name, version)
            )
            resolve = None if reader is writer else reader.parsed
            fastavro = avro.functions()
            reading = self._readings[writer.fingerprint, version] = _Reading(
                writer,
                writer.type.encode(),
                fastavro.read_record if resolve is None else fastavro.read,
                writer.parsed,
                avro.reader_types(writer.parsed, resolve),
                resolve,
                reader,
                reader.type,
                reader.dataschema,
            )
        return reading


class _Reading(NamedTuple):
    """How to read one writer schema's values as one version of the event."""

    writer: EventSchema
    type_bytes: bytes  # the writer's ce_type
    read: avro.ReadData
    writer_parsed: Any
    named: dict[str, Any]
    reader_parsed: Any  # None: read as written
    reader: EventSchema
    reader_type: str  # the decoded event's type and dataschema
    reader_dataschema: str


def _attributes(
    writer: EventSchema, type_bytes: bytes, key: bytes | None, headers: Sequence[tuple[str, bytes]]
) -> tuple[str, str, datetime, str | None, str | None, Mapping[str, str]]:
    """Id, source, time, subject, traceparent and extensions, from headers in any layout;
    each header that is missing, repeated or malformed raises its own error."""
    found = dict(headers)
    if len(found) != len(headers):
        duplicate = h.duplicate(headers)
        if duplicate is not None:
            raise duplicate
    try:
        ident = found["ce_id"].decode()
        source = found["ce_source"].decode()
        ce_type = found["ce_type"]
        spec = found["ce_specversion"]
        time = h.parse_time("ce_time", found["ce_time"])
        content_type = found["content-type"]
    except KeyError:
        raise h.missing(found, h.REQUIRED) from None
    except (AttributeError, UnicodeDecodeError):
        raise h.text_error(found, h.REQUIRED) from None
    if spec != h.SPECVERSION:
        raise MalformedHeader("ce_specversion", spec, "this hub reads CloudEvents 1.0")
    if content_type != h.CONTENT_TYPE and not (
        isinstance(content_type, bytes) and content_type.startswith(b"application/avro;")
    ):
        raise MalformedHeader("content-type", content_type, "hub events are application/avro")
    if ce_type != type_bytes:
        raise MalformedHeader(
            "ce_type",
            ce_type,
            f"the value was written with {writer.event} v{writer.version}, "
            f"whose type is {writer.type}",
        )
    if not ident or not source:
        raise MalformedHeader("ce_id" if not ident else "ce_source", b"", "is empty")
    subject, traceparent, extensions = _optional(found, key)
    return ident, source, time, subject, traceparent, extensions


def _optional(
    found: dict[str, bytes], key: bytes | None
) -> tuple[str | None, str | None, Mapping[str, str]]:
    """Subject (the key when no ce_subject), traceparent and extensions."""
    raw_subject = found.get("ce_subject", key)
    try:
        subject = raw_subject.decode() if raw_subject is not None else None
    except UnicodeDecodeError:
        raise h.text_error({**found, "key": key or b""}, ("ce_subject", "key")) from None
    if subject == "":
        raise MalformedHeader("ce_subject", b"", "is empty")
    known = len(h.REQUIRED) + ("ce_subject" in found) + ("ce_dataschema" in found)
    traceparent = None
    if h.TRACEPARENT in found:
        known += 1
        traceparent = _traceparent(found[h.TRACEPARENT])
    return subject, traceparent, (_extensions(found) if len(found) > known else NO_EXTENSIONS)


def _traceparent(raw: bytes) -> str:
    try:
        text = raw.decode()
    except (AttributeError, UnicodeDecodeError):
        raise h.text_error({h.TRACEPARENT: raw}, (h.TRACEPARENT,)) from None
    if not TRACEPARENT_FORMAT.fullmatch(text):
        raise MalformedHeader(h.TRACEPARENT, raw, "not a W3C traceparent (00-<32>-<16>-<2>)")
    return text


def _body_error(exc: Exception, size: int, position: int, reading: _Reading) -> EventError:
    """What was wrong with a body fastavro could not read."""
    writer, reader = reading.writer, reading.reader
    if isinstance(exc, SchemaResolutionError):
        found = incompatibilities(reader.avro, writer.avro)
        field, reason = found[0] if found else (None, str(exc))
        return SchemaMismatch(
            f"{writer.event} v{writer.version} read as v{reader.version}", field, reason
        )
    where = f"{writer.event} v{writer.version}"
    if isinstance(exc, EOFError) or position >= size:
        return TruncatedBody(where, f"the value ends inside the body ({exc!r})")
    return MalformedBody(where, f"{type(exc).__name__}: {exc}")


def _extensions(found: dict[str, bytes]) -> dict[str, str]:
    extensions: dict[str, str] = {}
    for name, raw in found.items():
        if not name.startswith(h.PREFIX) or name in h.REQUIRED or name in h.OPTIONAL:
            continue
        try:
            extensions[name[len(h.PREFIX) :]] = raw.decode()
        except (AttributeError, UnicodeDecodeError):
            raise h.text_error(found, (name,)) from None
    try:
        check_extensions(extensions)
    except InvalidEvent as exc:
        header = f"ce_{exc.attribute}"
        raise MalformedHeader(header, found.get(header), exc.reason) from None
    return extensions
