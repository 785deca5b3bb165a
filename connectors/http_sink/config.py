"""Configuration of the ``http`` sink."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.config import Secret

TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP header name (RFC 9110 token)."""
RESERVED = {"idempotency-key", "content-type", "content-length", "authorization", "host"}


class HttpSinkConfig(BaseModel):
    """POSTs each delivery's payload as JSON to a department's REST API.

    Every request carries ``Idempotency-Key: <event id>``, so the API can drop the
    duplicates that at-least-once delivery produces. 2xx means delivered; 408, 425,
    429, 5xx, timeouts and connection failures are retried (429 and 503 after their
    ``Retry-After``); any other 4xx sends the event to the dead-letter topic at once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        description="The endpoint the payload is POSTed to (http or https).",
        examples=["https://bygglov.example.se/api/v1/permit-events"],
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Extra headers sent with every request. Idempotency-Key, Content-Type, "
        "Authorization, Content-Length and Host are set by the sink.",
        examples=[{"X-Municipality": "2480"}],
    )
    token: Secret | None = Field(
        None,
        description="Bearer token, sent as `Authorization: Bearer <token>`.",
        examples=[{"env": "BYGGLOV_API_TOKEN"}],
    )
    timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds to wait for the connection and for each read and write; "
        "a timeout is retried.",
        examples=[10.0],
    )
    accept_statuses: list[int] = Field(
        default_factory=list,
        description="Non-2xx statuses that also count as delivered, e.g. 409 from an API "
        "that answers a repeated Idempotency-Key with Conflict.",
        examples=[[409]],
    )
    ca_file: Path | None = Field(
        None,
        description="PEM file of the CA certificates that sign the API's certificate "
        "(default: the system's trust store).",
        examples=["/etc/ssl/kommun-ca.pem"],
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not rest.split("/")[0]:
            raise ValueError(f"{value!r} is not an http:// or https:// URL with a host")
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not TOKEN.fullmatch(name):
                raise ValueError(f"{name!r} is not a header name")
            if name.lower() in RESERVED:
                raise ValueError(f"header {name} is set by the sink; remove it from headers")
            if "\r" in text or "\n" in text:
                raise ValueError(f"header {name}: the value may not contain line breaks")
        return value

    @field_validator("accept_statuses")
    @classmethod
    def _statuses(cls, value: list[int]) -> list[int]:
        for status in value:
            if not 300 <= status <= 599:
                raise ValueError(f"{status} is not a non-2xx HTTP status (300-599)")
        return value
