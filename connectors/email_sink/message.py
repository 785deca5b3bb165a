"""One delivery as an e-mail: recipient, rendered templates, a Message-ID from the event id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

from connectors.email_sink.config import EmailSinkConfig, address_of
from connectors.email_sink.template import Template, TemplateError
from hub.routing.types import Delivery, PermanentError
from hub.sdk.payload import MissingField, lookup


@dataclass(frozen=True)
class Outgoing:
    message: EmailMessage
    sender: str
    recipient: str
    """The envelope addresses (bare, without display names)."""


class Composer:
    """Builds the e-mail for a delivery; PermanentError when the payload cannot fill it."""

    def __init__(self, config: EmailSinkConfig) -> None:
        self.config = config
        self.subject = Template.parse(config.subject)
        self.body = Template.parse(config.body)
        self.sender = address_of(config.sender) or config.sender

    def recipient(self, delivery: Delivery) -> tuple[str, str]:
        """(header value, bare address) of the recipient."""
        if self.config.fixed_recipient:
            return self.config.to, address_of(self.config.to) or self.config.to
        try:
            value = lookup(delivery.payload, self.config.to)
        except MissingField as exc:
            raise PermanentError(f"event {delivery.id}: no recipient: {exc}") from None
        address = address_of(value) if isinstance(value, str) else None
        if address is None:
            raise PermanentError(
                f"event {delivery.id}: payload field {self.config.to} is not an e-mail address"
            )
        return value, address

    def compose(self, delivery: Delivery) -> Outgoing:
        to, address = self.recipient(delivery)
        try:
            subject = self.subject.render(delivery.payload)
            body = self.body.render(delivery.payload)
        except TemplateError as exc:
            raise PermanentError(f"event {delivery.id}: template: {exc}") from None
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = to
        message["Subject"] = " ".join(subject.split())
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        message["Message-ID"] = f"<{delivery.id}@{self.config.domain}>"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, charset="utf-8", cte="quoted-printable")
        return Outgoing(message, self.sender, address)
