"""The email sink against a real SMTP server (aiosmtpd in a process of its own)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from connectors.email_sink.config import EmailSinkConfig
from connectors.email_sink.connector import connector
from connectors.email_sink.sink import EmailSink
from hub.routing.types import PermanentError
from hub.sdk import FatalError, TransientError
from tests.connectors.deliveries import context, delivery
from tests.connectors.email_sink.smtp_server import SmtpServer

PAYLOAD = {
    "permitId": "BN 2026/00042",
    "fee": 12500,
    "resident": {"name": "Åsa Öberg", "email": "asa.oberg@example.se"},
    "site": {"address": "Storgatan 1", "city": "Umeå"},
    "note": None,
}
TEMPLATES = {
    "from": "Umeå kommun <noreply@umea.se>",
    "subject": "Beslut i ärende {permitId} – {site.city}",
    "body": "Hej {resident.name}!\n\nBygglov för {site.address} är beviljat.\n"
    "Avgift: {fee:,} kr.{note}\n{{ej en mall}}\n",
}


def open_sink(port: int, **config: Any) -> EmailSink:
    settings = {"host": "127.0.0.1", "port": port, "security": "none", **TEMPLATES, **config}
    sink = connector.build(EmailSinkConfig.model_validate(settings))
    assert isinstance(sink, EmailSink)
    sink.open(context())
    return sink


def test_a_delivery_becomes_an_email_to_the_payloads_recipient(smtp: SmtpServer) -> None:
    d = delivery(PAYLOAD)
    open_sink(smtp.port, to="resident.email").deliver(d)
    [message] = smtp.received(f"<{d.id}@umea.se>")
    assert message["To"] == "asa.oberg@example.se"
    assert message["X-RcptTo"] == "asa.oberg@example.se"
    assert message["From"] == "Umeå kommun <noreply@umea.se>"
    assert message["Subject"] == "Beslut i ärende BN 2026/00042 – Umeå"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == (
        "Hej Åsa Öberg!\n\nBygglov för Storgatan 1 är beviljat.\nAvgift: 12,500 kr.\n{ej en mall}\n"
    )


def test_a_fixed_recipient_and_a_message_id_domain_of_its_own(smtp: SmtpServer) -> None:
    d = delivery(PAYLOAD)
    sink = open_sink(
        smtp.port, to="Bygglovsenheten <bygglov@umea.se>", message_id_domain="hub.umea.se"
    )
    sink.deliver(d)
    [message] = smtp.received(f"<{d.id}@hub.umea.se>")
    assert message["To"] == "Bygglovsenheten <bygglov@umea.se>"
    assert message["X-RcptTo"] == "bygglov@umea.se"


def test_a_repeated_delivery_is_the_same_message(smtp: SmtpServer) -> None:
    d = delivery(PAYLOAD)
    sink = open_sink(smtp.port, to="resident.email")
    sink.deliver(d)
    sink.deliver(d)
    first, second = smtp.received(f"<{d.id}@umea.se>")
    assert first["Subject"] == second["Subject"]
    assert first.get_content() == second.get_content()


def test_an_unknown_recipient_is_permanent(smtp: SmtpServer) -> None:
    sink = open_sink(smtp.port, to="resident.email")
    payload = {**PAYLOAD, "resident": {"name": "X", "email": "unknown@example.se"}}
    with pytest.raises(PermanentError, match=r"refused the resident\.email: 550 5\.1\.1"):
        sink.deliver(delivery(payload))


def test_a_full_mailbox_is_retried(smtp: SmtpServer) -> None:
    sink = open_sink(smtp.port, to="full@example.se")
    with pytest.raises(TransientError, match=r"refused the recipient: 452 4\.2\.2"):
        sink.deliver(delivery(PAYLOAD))


def test_a_server_that_is_not_listening_is_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = open_sink(port, to="resident.email")
    with pytest.raises(TransientError, match=f"SMTP 127.0.0.1:{port}"):
        sink.deliver(delivery(PAYLOAD))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"permitId": "1", "site": {"city": "Umeå"}}, "no recipient"),
        ({**PAYLOAD, "resident": {"email": "inte en adress"}}, "is not an e-mail address"),
        ({**PAYLOAD, "resident": {"email": "a@b.se\r\nBcc: x@y.se"}}, "not an e-mail"),
        ({**PAYLOAD, "site": {}}, r"\{site\.city\}: the payload has no field"),
        ({**PAYLOAD, "fee": "gratis"}, r"\{fee:,\}"),
    ],
)
def test_a_payload_that_cannot_fill_the_message_is_permanent(
    smtp: SmtpServer, payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(PermanentError, match=message):
        open_sink(smtp.port, to="resident.email").deliver(delivery(payload))


def test_starttls_with_the_servers_ca_delivers(
    starttls_smtp: SmtpServer, certificate: tuple[Path, Path]
) -> None:
    d = delivery(PAYLOAD)
    sink = open_sink(
        starttls_smtp.port, security="starttls", ca_file=str(certificate[0]), to="resident.email"
    )
    sink.deliver(d)
    assert len(starttls_smtp.received(f"<{d.id}@umea.se>")) == 1


def test_a_certificate_that_does_not_verify_stops_the_route(starttls_smtp: SmtpServer) -> None:
    sink = open_sink(starttls_smtp.port, security="starttls", to="resident.email")
    with pytest.raises(FatalError, match="certificate"):
        sink.deliver(delivery(PAYLOAD))


def test_a_server_without_starttls_stops_the_route(smtp: SmtpServer) -> None:
    sink = open_sink(smtp.port, security="starttls", to="resident.email")
    with pytest.raises(FatalError, match="STARTTLS"):
        sink.deliver(delivery(PAYLOAD))
