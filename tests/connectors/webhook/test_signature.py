"""Request signatures: HMAC over timestamp and body, constant-time, within a window."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from connectors.webhook.signature import (
    BadSignature,
    StaleTimestamp,
    Unsigned,
    sign,
    verify,
)

KEY = b"k" * 32
OLD_KEY = b"o" * 32
BODY = b'{"specversion":"1.0"}'
NOW = 1_772_357_400


def _headers(timestamp: int = NOW, body: bytes = BODY, key: bytes = KEY) -> dict[str, str]:
    return {"x-hub-timestamp": str(timestamp), "x-hub-signature": sign(key, timestamp, body)}


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(KEY, b'1772357400.{"specversion":"1.0"}', hashlib.sha256).hexdigest()
    assert sign(KEY, NOW, BODY) == f"sha256={expected}"


def test_valid_signature_is_accepted_and_identifies_the_request() -> None:
    signed = verify(_headers(), BODY, keys=[KEY], now=NOW + 10, tolerance=300)
    assert signed.timestamp == NOW
    assert sign(KEY, NOW, BODY) == f"sha256={signed.signature}"


def test_upper_case_hex_is_accepted() -> None:
    headers = _headers()
    headers["x-hub-signature"] = "SHA256=" + headers["x-hub-signature"][7:].upper()
    verify(headers, BODY, keys=[KEY], now=NOW, tolerance=300)


@pytest.mark.parametrize(
    "body", [BODY + b" ", b'{"specversion":"1.1"}', b""], ids=["space", "changed", "empty"]
)
def test_changed_body_is_refused(body: bytes) -> None:
    with pytest.raises(BadSignature, match="does not match"):
        verify(_headers(), body, keys=[KEY], now=NOW, tolerance=300)


def test_changed_timestamp_is_refused() -> None:
    headers = _headers()
    headers["x-hub-timestamp"] = str(NOW + 1)
    with pytest.raises(BadSignature):
        verify(headers, BODY, keys=[KEY], now=NOW, tolerance=300)


def test_other_key_is_refused_and_previous_key_accepted_while_listed() -> None:
    with pytest.raises(BadSignature):
        verify(_headers(key=OLD_KEY), BODY, keys=[KEY], now=NOW, tolerance=300)
    verify(_headers(key=OLD_KEY), BODY, keys=[KEY, OLD_KEY], now=NOW, tolerance=300)


@pytest.mark.parametrize(("offset", "word"), [(-301, "old"), (301, "in the future")])
def test_timestamp_outside_the_window_is_stale(offset: int, word: str) -> None:
    headers = _headers(timestamp=NOW + offset)
    with pytest.raises(StaleTimestamp, match=word) as caught:
        verify(headers, BODY, keys=[KEY], now=NOW, tolerance=300)
    assert caught.value.skew == -offset


def test_timestamp_at_the_edge_of_the_window_is_accepted() -> None:
    verify(_headers(timestamp=NOW - 300), BODY, keys=[KEY], now=NOW, tolerance=300)
    verify(_headers(timestamp=NOW + 300), BODY, keys=[KEY], now=NOW, tolerance=300)


def test_stale_check_comes_after_the_signature() -> None:
    # an unsigned caller learns nothing about the server's clock
    headers = _headers(timestamp=NOW - 10_000, key=OLD_KEY)
    with pytest.raises(BadSignature):
        verify(headers, BODY, keys=[KEY], now=NOW, tolerance=300)


@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("x-hub-timestamp", None, "no X-Hub-Timestamp"),
        ("x-hub-signature", None, "no X-Hub-Signature"),
        ("x-hub-timestamp", "2026-03-01T09:30:00Z", "unix seconds"),
        ("x-hub-timestamp", "-5", "unix seconds"),
        ("x-hub-signature", "sha1=" + "0" * 40, "64 hex digits"),
        ("x-hub-signature", "sha256=" + "g" * 64, "64 hex digits"),
        ("x-hub-signature", "0" * 64, "64 hex digits"),
    ],
)
def test_malformed_headers_are_unsigned(name: str, value: str | None, match: str) -> None:
    headers = _headers()
    if value is None:
        del headers[name]
    else:
        headers[name] = value
    with pytest.raises(Unsigned, match=match):
        verify(headers, BODY, keys=[KEY], now=NOW, tolerance=300)
