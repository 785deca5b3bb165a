"""The http sink's configuration and its Retry-After reading (no server needed)."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.http_sink.config import HttpSinkConfig
from connectors.http_sink.connector import connector
from connectors.http_sink.retry_after import retry_after_seconds
from hub.sdk.describe import field_docs

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


@given(st.integers(min_value=0, max_value=10**9))
def test_delay_seconds_read_as_they_are(seconds: int) -> None:
    assert retry_after_seconds(f" {seconds} ", NOW) == seconds


def test_an_http_date_reads_as_seconds_from_now() -> None:
    later = format_datetime(NOW + dt.timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later, NOW) == 90


def test_a_past_date_means_now_and_garbage_means_unknown() -> None:
    earlier = format_datetime(NOW - dt.timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(earlier, NOW) == 0
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds("-5", NOW) is None
    assert retry_after_seconds(None, NOW) is None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"url": "ftp://example.se/x"}, "not an http:// or https:// URL"),
        ({"url": "https://x.se", "headers": {"Idempotency-Key": "x"}}, "set by the sink"),
        ({"url": "https://x.se", "headers": {"Bad Name": "x"}}, "not a header name"),
        ({"url": "https://x.se", "headers": {"X-A": "a\r\nX-B: b"}}, "line breaks"),
        ({"url": "https://x.se", "accept_statuses": [200]}, "not a non-2xx"),
        ({"url": "https://x.se", "retries": 3}, "Extra inputs are not permitted"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(
    config: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        HttpSinkConfig.model_validate(config)


def test_the_token_comes_from_the_environment_and_never_prints() -> None:
    config = HttpSinkConfig.model_validate(
        {"url": "https://x.se", "token": {"env": "API_TOKEN"}},
        context={"env": {"API_TOKEN": "abc123"}},
    )
    assert config.token is not None
    assert config.token.get_secret_value() == "abc123"
    assert "abc123" not in repr(config)


def test_every_field_is_described_with_an_example() -> None:
    assert connector.kind == "sink"
    for doc in field_docs(connector.config_model):
        assert "Example:" in doc.description, doc.path
