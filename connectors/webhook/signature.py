"""Request signatures: HMAC-SHA256 over the timestamp and the body.

The sender computes::

    signed = f"{timestamp}.".encode() + body            # timestamp: unix seconds, decimal
    X-Hub-Timestamp: <timestamp>
    X-Hub-Signature: sha256=<hex of HMAC-SHA256(secret, signed)>

The receiver recomputes it with every key it accepts (current and, during a rotation,
previous), compares in constant time, and refuses timestamps further than the
tolerance from its own clock, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TIMESTAMP_HEADER = "x-hub-timestamp"
SIGNATURE_HEADER = "x-hub-signature"
SCHEME = "sha256="
_HEX_LENGTH = 64


class SignatureError(Exception):
    """The request is not signed by someone holding the key, or not recently."""


class Unsigned(SignatureError):
    """A signature header is missing or not in its format."""


class BadSignature(SignatureError):
    """The signature does not match the body and timestamp under any accepted key."""


class StaleTimestamp(SignatureError):
    """The signature is valid but its timestamp is outside the tolerance window."""

    def __init__(self, message: str, *, skew: int) -> None:
        super().__init__(message)
        self.skew = skew


@dataclass(frozen=True)
class Signed:
    """A request whose signature checked out."""

    timestamp: int
    signature: str
    """The hex digest as sent, lower-cased: identifies the exact request (replays)."""


def sign(key: bytes, timestamp: int, body: bytes) -> str:
    """The ``X-Hub-Signature`` value for ``body`` sent at ``timestamp``."""
    return SCHEME + _digest(key, timestamp, body)


def _digest(key: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(
    headers: Mapping[str, str],
    body: bytes,
    *,
    keys: Sequence[bytes],
    now: float,
    tolerance: int,
) -> Signed:
    """Check a request's signature headers (names lower-case); raise a ``SignatureError``."""
    raw_timestamp = headers.get(TIMESTAMP_HEADER)
    raw_signature = headers.get(SIGNATURE_HEADER)
    if raw_timestamp is None or raw_signature is None:
        missing = TIMESTAMP_HEADER if raw_timestamp is None else SIGNATURE_HEADER
        raise Unsigned(f"the request has no {_title(missing)} header")
    timestamp = _timestamp(raw_timestamp)
    digest = _hex_digest(raw_signature)
    if not any(
        hmac.compare_digest(_digest(key, timestamp, body).encode(), digest.encode()) for key in keys
    ):
        raise BadSignature(
            f"{_title(SIGNATURE_HEADER)} does not match the body and {_title(TIMESTAMP_HEADER)}: "
            "sign f'{timestamp}.' followed by the exact body bytes with the shared key"
        )
    skew = int(now) - timestamp
    if abs(skew) > tolerance:
        direction = "old" if skew > 0 else "in the future"
        raise StaleTimestamp(
            f"{_title(TIMESTAMP_HEADER)} is {abs(skew)} s {direction}; at most {tolerance} s "
            "is accepted: sign each attempt anew with the current time (and check the clock)",
            skew=skew,
        )
    return Signed(timestamp, digest)


def _timestamp(raw: str) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise Unsigned(f"{_title(TIMESTAMP_HEADER)} must be unix seconds, not {raw[:40]!r}")
    return int(text)


def _hex_digest(raw: str) -> str:
    text = raw.strip()
    digest = text[len(SCHEME) :].lower() if text.lower().startswith(SCHEME) else ""
    if len(digest) != _HEX_LENGTH or not all(c in "0123456789abcdef" for c in digest):
        raise Unsigned(
            f"{_title(SIGNATURE_HEADER)} must be 'sha256=' and 64 hex digits, not {raw[:80]!r}"
        )
    return digest


def _title(header: str) -> str:
    """``x-hub-timestamp`` as written in the docs: ``X-Hub-Timestamp``."""
    return "-".join(part.capitalize() for part in header.split("-"))
