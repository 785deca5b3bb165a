"""Avro bodies through fastavro's compiled functions: the bytes and data of its public API."""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from io import BytesIO
from types import MappingProxyType, ModuleType, SimpleNamespace
from typing import Any

import pytest
from fastavro import parse_schema, schemaless_reader, schemaless_writer
from hypothesis import given
from hypothesis import strategies as st

from hub.events import Catalog, Decoder, Encoder, Event, EventSchema, avro
from tests.events.avro_data import data_for
from tests.events.test_codec import SCHEMAS, SOURCE, granted, hypothesis_settings


def test_the_installed_fastavro_takes_the_direct_path() -> None:
    # Fails when a fastavro upgrade moves or changes the functions the codec calls: the
    # codec would still work, through the public functions, but slower.
    assert avro.functions().direct


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.name}-v{s.version}")
@hypothesis_settings
@given(data=st.data())
def test_the_direct_functions_write_and_read_what_the_public_ones_do(
    schema: EventSchema, data: st.DataObject
) -> None:
    datum = data.draw(data_for(schema))
    fast = avro.functions()
    written = bytearray()
    fast.write(
        written, datum, schema.parsed, avro.writer_types(schema.parsed), "", avro.WRITE_OPTIONS
    )
    public = BytesIO()
    schemaless_writer(public, schema.parsed, datum)
    assert bytes(written) == public.getvalue()

    expected = schemaless_reader(BytesIO(public.getvalue()), schema.parsed)
    named = avro.reader_types(schema.parsed)
    for read in (fast.read, fast.read_record):
        body = BytesIO(public.getvalue())
        assert read(body, schema.parsed, named, None, avro.READ_OPTIONS) == expected
        assert body.tell() == len(public.getvalue())


@pytest.fixture
def fresh_functions() -> Iterator[None]:
    avro.functions.cache_clear()
    yield
    avro.functions.cache_clear()


def _fastavro_modules(**replacements: Any) -> Any:
    real = importlib.import_module

    def import_module(name: str, package: str | None = None) -> ModuleType:
        if name in replacements:
            replacement = replacements[name]
            if isinstance(replacement, Exception):
                raise replacement
            return replacement  # type: ignore[no-any-return]
        return real(name, package)

    return import_module


def _round_trip(catalog: Catalog) -> None:
    v1, v2 = catalog.versions("PermitGranted")
    data = granted(1)
    event = Event(v1.type, SOURCE, data, subject=data["caseNumber"], dataschema=v1.dataschema)
    record = Encoder(catalog).encode(event)
    decoder = Decoder(catalog)
    assert decoder.decode(record.key, record.value, record.headers) == event
    as_v2 = decoder.decode(record.key, record.value, record.headers, reader_version=2)
    assert as_v2.data == granted(1) | {
        "validUntil": None,
        "conditions": [],
        "feeReductionFifths": 0,
    }
    assert as_v2.dataschema == v2.dataschema


@pytest.mark.usefixtures("fresh_functions")
def test_without_the_compiled_modules_the_codec_uses_the_public_functions(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, catalog: Catalog
) -> None:
    missing = ModuleNotFoundError("No module named 'fastavro._read'")
    monkeypatch.setattr(
        avro.importlib, "import_module", _fastavro_modules(**{"fastavro._read": missing})
    )
    with caplog.at_level(logging.WARNING, logger="hub.events.avro"):
        assert avro.functions() is avro.PUBLIC
    assert "No module named 'fastavro._read'" in caplog.text
    assert "schemaless_reader/schemaless_writer" in caplog.text
    _round_trip(catalog)


@pytest.mark.usefixtures("fresh_functions")
def test_compiled_functions_that_write_other_bytes_are_not_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, catalog: Catalog
) -> None:
    real = importlib.import_module("fastavro._write")

    def write_data(out: bytearray, *args: Any) -> None:  # a changed encoding
        real.write_data(out, *args)
        out += b"\x00"

    changed = SimpleNamespace(write_data=write_data)
    monkeypatch.setattr(
        avro.importlib, "import_module", _fastavro_modules(**{"fastavro._write": changed})
    )
    with caplog.at_level(logging.WARNING, logger="hub.events.avro"):
        assert avro.functions() is avro.PUBLIC
    assert "ValueError: wrote" in caplog.text
    _round_trip(catalog)


def _fastavro_body(schema: EventSchema, datum: Any) -> bytes:
    buffer = BytesIO()
    schemaless_writer(buffer, schema.parsed, datum)
    return buffer.getvalue()


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.name}-v{s.version}")
@hypothesis_settings
@given(data=st.data())
def test_the_encoder_writes_the_body_fastavro_writes(
    schema: EventSchema, data: st.DataObject, encoder: Encoder
) -> None:
    """Field by field, or (a field left out) through fastavro's record writer."""
    datum = data.draw(data_for(schema))
    optional = [f["name"] for f in schema.parsed["fields"] if "default" in f and f["name"] in datum]
    for name in data.draw(st.lists(st.sampled_from(optional), unique=True) if optional else []):
        del datum[name]  # the writer fills in its default
    event = Event(type=schema.type, source=SOURCE, data=datum, dataschema=schema.dataschema)
    record = encoder.encode(event)
    assert record.value[10:] == _fastavro_body(schema, datum)


def test_events_are_written_field_by_field(catalog: Catalog) -> None:
    for schema in catalog:
        fields = avro.record_fields(schema.parsed)
        assert fields is not None
        assert [name for name, _ in fields.fields] == [f["name"] for f in schema.parsed["fields"]]


class _Upper(dict[str, Any]):
    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        return value.upper() if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("make", "left_out"),
    [
        # an iterator is read once: a field left out must not cost an array its items
        (lambda d: d | {"conditions": (c for c in ("Villkor 1", "Villkor 2"))}, "validUntil"),
        # fastavro reads a dict subclass as a dict: no __missing__, no __getitem__
        (lambda d: defaultdict(lambda: 3, d), "feeReductionFifths"),
        (lambda d: defaultdict(lambda: None, d), "conditions"),
        (_Upper, None),
        (lambda d: MappingProxyType(d), "validUntil"),
    ],
)
def test_data_of_any_shape_is_written_as_fastavro_writes_it(
    catalog: Catalog, encoder: Encoder, make: Any, left_out: str | None
) -> None:
    v2 = catalog.get("PermitGranted", 2)
    data = granted(2, conditions=["Villkor 1", "Villkor 2"])
    if left_out:
        del data[left_out]
    expected = _fastavro_body(v2, make(dict(data)))
    given = make(dict(data))
    record = encoder.encode(Event(type=v2.type, source=SOURCE, data=given))
    assert record.value[10:] == expected
    if isinstance(given, defaultdict):
        assert left_out not in given  # not added by the lookup


def test_records_with_float_fields_go_to_fastavros_record_writer(catalog: Catalog) -> None:
    # it converts their values with float() first: "NaN" and 1 are doubles there
    schema = {
        "type": "record",
        "name": "Reading",
        "fields": [{"name": "id", "type": "string"}, {"name": "value", "type": "double"}],
    }
    assert avro.record_fields(parse_schema(schema)) is None


@pytest.mark.usefixtures("fresh_functions")
def test_the_public_functions_write_whole_records(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    monkeypatch.setattr(
        avro.importlib, "import_module", _fastavro_modules(**{"fastavro._write": ImportError()})
    )
    assert avro.record_fields(catalog.get("PermitGranted").parsed) is None
