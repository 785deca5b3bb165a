"""Configuration of the ``email`` sink."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors.email_sink.template import Template
from hub.config import Secret
from hub.sdk.payload import check_path

Security = Literal["starttls", "ssl", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
DOMAIN = re.compile(rf"{LABEL}(\.{LABEL})*")


def address_of(text: str) -> str | None:
    """The bare address of ``Name <user@host>`` or ``user@host``; None if it is not one."""
    if "\r" in text or "\n" in text:
        return None
    _, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    if not (at and local and "." in domain) or " " in address:
        return None
    return address


class EmailSinkConfig(BaseModel):
    """Sends one e-mail per delivery through an SMTP server (the municipality's relay).

    Subject and body are templates over the payload: ``{resident.name}``. The recipient
    is a fixed address or a payload field. The Message-ID is ``<event id@domain>``, so a
    repeated delivery is recognisable as the same message. SMTP 4xx answers and
    connection failures are retried; 5xx answers send the event to the dead-letter topic.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str = Field(description="SMTP server.", examples=["smtp.umea.se"])
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="SMTP port (default: 587 for starttls, 465 for ssl, 25 for none).",
        examples=[587],
    )
    security: Security = Field(
        "starttls",
        description="starttls: upgrade a plain connection (submission, port 587); "
        "ssl: TLS from the start (port 465); none: no encryption (a local relay only).",
        examples=["starttls"],
    )
    ca_file: Path | None = Field(
        None,
        description="PEM file of the CA certificates that sign the server's certificate "
        "(default: the system's trust store).",
        examples=["/etc/ssl/kommun-ca.pem"],
    )
    username: str | None = Field(
        None, description="Login name, when the server wants one.", examples=["hub-notiser"]
    )
    password: Secret | None = Field(
        None, description="Password for username.", examples=[{"env": "SMTP_PASSWORD"}]
    )
    sender: str = Field(
        alias="from",
        description="From address, optionally with a display name.",
        examples=["Umeå kommun <noreply@umea.se>"],
    )
    to: str = Field(
        description="Recipient: a fixed address (contains @) or the payload field that "
        "holds one (a dotted path).",
        examples=["resident.email"],
    )
    subject: str = Field(
        description="Subject template: text with {path} placeholders from the payload.",
        examples=["Beslut i ärende {permitId}"],
    )
    body: str = Field(
        description="Plain-text body template with {path} placeholders; {{ and }} for "
        "literal braces. A null field reads as empty text, a missing one is an error.",
        examples=["Hej {resident.name}!\n\nDin ansökan {permitId} har beviljats."],
    )
    message_id_domain: str | None = Field(
        None,
        description="Domain of the Message-ID <event-id@domain> (default: the from "
        "address's domain).",
        examples=["hub.umea.se"],
    )
    timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds to wait for the server at each step; a timeout is retried.",
        examples=[30.0],
    )

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if address_of(value) is None:
            raise ValueError(f"{value!r} is not an e-mail address (name <user@domain>)")
        return value

    @field_validator("to")
    @classmethod
    def _to(cls, value: str) -> str:
        if "@" in value:
            if address_of(value) is None:
                raise ValueError(f"{value!r} is not an e-mail address")
            return value
        return check_path(value)

    @field_validator("message_id_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is not None and not DOMAIN.fullmatch(value):
            raise ValueError(f"{value!r} is not a domain name")
        return value

    @field_validator("subject", "body")
    @classmethod
    def _template(cls, value: str) -> str:
        Template.parse(value)
        return value

    @model_validator(mode="after")
    def _login(self) -> EmailSinkConfig:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        if self.password is not None and self.security == "none":
            raise ValueError("a password is only sent encrypted: use security starttls or ssl")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def fixed_recipient(self) -> bool:
        return "@" in self.to

    @property
    def domain(self) -> str:
        if self.message_id_domain:
            return self.message_id_domain
        return (address_of(self.sender) or "@localhost").rpartition("@")[2]
