"""Avro single-object encoding: the ``C3 01`` marker and the CRC-64-AVRO schema fingerprint.

The fingerprint is the Rabin CRC-64 the Avro specification defines ("Schema
Fingerprints"), taken over the schema's Parsing Canonical Form. The canonical form comes
from fastavro, which follows the specification (the ``avro`` package's 1.12 form keeps
logical-typed primitives as ``{"type":"int"}`` and so yields different fingerprints).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastavro.schema import to_parsing_canonical_form

from hub.events.errors import BadMarker, TruncatedBody

MARKER = b"\xc3\x01"
HEADER_SIZE = len(MARKER) + 8
_EMPTY = 0xC15D213AA4D7A795  # the CRC-64-AVRO of no bytes, and the polynomial


@cache
def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        fp = byte
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return tuple(table)


def crc64_avro(data: bytes) -> int:
    """The 64-bit CRC-64-AVRO (Rabin) fingerprint of ``data``, as an unsigned integer."""
    table = _table()
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp


def canonical_form(schema: Any) -> str:
    """The Parsing Canonical Form of a schema given as JSON data (dict, list or str)."""
    return str(to_parsing_canonical_form(schema))


def fingerprint(schema: Any) -> int:
    """CRC-64-AVRO of the schema's Parsing Canonical Form."""
    return crc64_avro(canonical_form(schema).encode("utf-8"))


def single_object_header(fp: int) -> bytes:
    """``C3 01`` then the fingerprint as 8 little-endian bytes: what every value starts with."""
    return MARKER + fp.to_bytes(8, "little")


def read_fingerprint(value: bytes, event: str = "record") -> int:
    """The writer fingerprint of a single-object encoded ``value``; checks marker and length."""
    if value[:2] != MARKER[: len(value[:2])]:
        raise BadMarker(bytes(value[:2]))
    if len(value) < HEADER_SIZE:
        raise TruncatedBody(
            event,
            f"{len(value)} byte(s), but the single-object header alone takes {HEADER_SIZE} "
            "(marker C3 01 and an 8-byte fingerprint)",
        )
    return int.from_bytes(value[2:HEADER_SIZE], "little")
