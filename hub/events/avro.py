"""Avro bodies through fastavro, with each schema's per-call preparation done once.

fastavro's ``schemaless_reader`` and ``schemaless_writer`` prepare their arguments on every
call: they gather the schema's named types again, build an options dict and (the writer)
copy the body through a temporary buffer. For an event body of about a hundred bytes that
is an eighth of the work. The codec calls the compiled functions they end in
(``fastavro._read._read_data`` and ``fastavro._write.write_data``) with those arguments made
once per schema: the same code writes and reads the same bytes. A body read as written
starts one step further in, at ``fastavro._read.read_record`` (every event is a record;
``_read_data`` would find that out, and resolve nothing).

An event's body is written field by field (``record_fields``): fastavro's record writer
first collects the record's keys that are not fields, on every call, for its strict mode,
which the hub does not use; for a small event that is a fifth of the work. Every field is
looked up in the dict before any is written; a record that leaves a field out (or is not
a plain dict) goes to fastavro's record writer, which fills in the default or
says what is missing.

Those functions are not fastavro's public API. ``functions()`` tries them on a small
record first; if they are missing or behave differently (a build without the compiled
modules, a release that changed them), the codec goes through the public functions
instead: slower, the same bytes. A test pins that the installed fastavro takes the direct
path, so an upgrade that breaks it shows up there rather than as a slowdown.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from functools import cache
from io import BytesIO
from operator import itemgetter
from typing import IO, Any, NamedTuple

import fastavro
from fastavro import parse_schema, schemaless_reader, schemaless_writer

log = logging.getLogger(__name__)

# fastavro's defaults, as schemaless_reader/schemaless_writer pass them on.
READ_OPTIONS: dict[str, Any] = {
    "return_record_name": False,
    "return_record_name_override": False,
    "handle_unicode_errors": "strict",
    "return_named_type": False,
    "return_named_type_override": False,
}
WRITE_OPTIONS: dict[str, Any] = {
    "strict": False,
    "strict_allow_default": False,
    "disable_tuple_notation": False,
}

# read(fo, writer schema, named types, reader schema or None, options) -> datum
ReadData = Callable[[IO[bytes], Any, dict[str, Any], Any, dict[str, Any]], Any]
# write(out, datum, schema, named types, field name, options): appends the body to ``out``
WriteData = Callable[[bytearray, Any, Any, dict[str, Any], str, dict[str, Any]], None]


class Functions(NamedTuple):
    read: ReadData
    read_record: ReadData  # a record schema, read as written: no reader schema
    write: WriteData
    direct: bool  # fastavro's compiled functions, not the public ones


def _read_public(
    fo: IO[bytes], writer: Any, named: dict[str, Any], reader: Any, options: dict[str, Any]
) -> Any:
    return schemaless_reader(fo, writer, reader)


def _write_public(
    out: bytearray,
    datum: Any,
    schema: Any,
    named: dict[str, Any],
    name: str,
    options: dict[str, Any],
) -> None:
    buffer = BytesIO()
    schemaless_writer(buffer, schema, datum)
    out += buffer.getvalue()


PUBLIC = Functions(_read_public, _read_public, _write_public, direct=False)

_PROBE_SCHEMA = {
    "type": "record",
    "name": "Probe",
    "fields": [
        {"name": "n", "type": "long"},
        {"name": "s", "type": ["null", "string"]},
        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
    ],
}
_PROBE_DATUM = {"n": -2, "s": "å", "e": "B"}
_PROBE_BYTES = b"\x03\x02\x04\xc3\xa5\x02"


@cache
def functions() -> Functions:
    """fastavro's compiled read and write functions when they work as expected, else the
    public ones (logged once)."""
    try:
        reading = importlib.import_module("fastavro._read")
        read, read_record = reading._read_data, reading.read_record
        write = importlib.import_module("fastavro._write").write_data
        schema: Any = parse_schema(_PROBE_SCHEMA)
        out, by_field, named = bytearray(), bytearray(), writer_types(schema)
        write(out, _PROBE_DATUM, schema, named, "", WRITE_OPTIONS)
        for name, kind in record_fields_of(schema):
            write(by_field, _PROBE_DATUM[name], kind, named, name, WRITE_OPTIONS)
        if out != _PROBE_BYTES or by_field != out:
            raise ValueError(f"wrote {bytes(out)!r} whole, {bytes(by_field)!r} field by field")
        for fn in (read, read_record):
            datum = fn(BytesIO(_PROBE_BYTES), schema, reader_types(schema), None, READ_OPTIONS)
            if datum != _PROBE_DATUM:
                raise ValueError(f"read {datum!r}")
    except Exception as exc:  # any failure: the public functions
        log.warning(
            "fastavro %s: its compiled read/write functions are not usable (%s: %s); "
            "Avro bodies go through schemaless_reader/schemaless_writer, which is slower",
            fastavro.__version__,
            type(exc).__name__,
            exc,
        )
        return PUBLIC
    return Functions(read, read_record, write, direct=True)


class RecordFields(NamedTuple):
    """A record schema's top-level fields, to write a plain dict's values one by one."""

    check: Callable[[Mapping[str, Any]], object]  # KeyError when a field is left out
    fields: tuple[tuple[str, Any], ...]  # (name, type), in the schema's order


def record_fields(parsed: Any) -> RecordFields | None:
    """How to write a record's values one by one with ``functions().write``, each as
    fastavro's record writer writes it; None when that writer must do it: it first
    converts the values of float and double fields with ``float()``, and the public
    functions take whole schemas only. (A record of one field gains nothing.)"""
    if not functions().direct:
        return None
    fields = record_fields_of(parsed)
    if len(fields) < 2 or any(kind in ("float", "double") for _, kind in fields):
        return None
    return RecordFields(itemgetter(*(name for name, _ in fields)), fields)


def record_fields_of(parsed: Any) -> tuple[tuple[str, Any], ...]:
    """A parsed record schema's fields as (name, type)."""
    return tuple((field["name"], field["type"]) for field in parsed["fields"])


def writer_types(parsed: Any) -> dict[str, Any]:
    """The named types of a parsed schema, as the write function takes them."""
    named: dict[str, Any] = {}
    parse_schema(parsed, named)
    return named


def reader_types(writer: Any, reader: Any = None) -> dict[str, Any]:
    """The named types of a writer schema (and a reader schema, when reading with one), as
    the read function takes them."""
    named: dict[str, Any] = {"writer": {}, "reader": {}}
    parse_schema(writer, named["writer"])
    if reader is not None:
        parse_schema(reader, named["reader"])
    return named
