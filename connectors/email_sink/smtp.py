"""Handing a message to the SMTP server, and what its answers mean for the delivery.

* connection failures, timeouts, 4xx answers: :class:`TransientError` (retried);
* 5xx answers to the message (recipient, sender, content): :class:`PermanentError`;
* a server that refuses the login, or lacks STARTTLS, or whose certificate does not
  verify: :class:`FatalError` — every message would fail the same way until the
  configuration is fixed, so the route stops instead of dead-lettering them all.
"""

from __future__ import annotations

import smtplib
import ssl

from connectors.email_sink.config import EmailSinkConfig
from connectors.email_sink.message import Outgoing
from hub.routing.types import PermanentError
from hub.sdk import ConnectorError, FatalError, TransientError


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


def _by_code(code: int, message: str) -> ConnectorError:
    return PermanentError(message) if 500 <= code < 600 else TransientError(message)


class SmtpClient:
    """One connection per message: connect, secure, log in, send, quit."""

    def __init__(self, config: EmailSinkConfig, tls: ssl.SSLContext | None) -> None:
        self.config = config
        self.tls = tls
        self.where = f"SMTP {config.host}:{config.smtp_port}"

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp: smtplib.SMTP | None = None
        try:
            if config.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    config.host, config.smtp_port, timeout=config.timeout, context=self.tls
                )
            else:
                smtp = smtplib.SMTP(config.host, config.smtp_port, timeout=config.timeout)
            if config.security == "starttls":
                smtp.starttls(context=self.tls)
            if config.username is not None and config.password is not None:
                smtp.login(config.username, config.password.get_secret_value())
            return smtp
        except OSError as exc:  # smtplib's errors and ssl's are OSErrors too
            if smtp is not None:
                smtp.close()
            raise self._connect_failure(exc) from exc

    def _connect_failure(self, exc: OSError) -> ConnectorError:
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            reply = _reply(exc.smtp_code, exc.smtp_error)
            return FatalError(f"{self.where} refused the login: {reply}; check username/password")
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return FatalError(f"{self.where}: {exc}; check security (and username)")
        if isinstance(exc, smtplib.SMTPResponseException):
            reply = _reply(exc.smtp_code, exc.smtp_error)
            return TransientError(f"{self.where} is not taking mail: {reply}")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return FatalError(f"{self.where}: {exc.verify_message}; check host and ca_file")
        return TransientError(f"{self.where}: {exc or type(exc).__name__}")

    def send(self, outgoing: Outgoing, recipient_label: str) -> None:
        """Return once the server accepted the message for the recipient."""
        smtp = self._connect()
        try:
            smtp.send_message(
                outgoing.message, from_addr=outgoing.sender, to_addrs=[outgoing.recipient]
            )
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _by_code(
                code, f"{self.where} refused {recipient_label}: {_reply(code, text)}"
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentError(f"{self.where}: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(
                exc.smtp_code,
                f"{self.where} refused the message: {_reply(exc.smtp_code, exc.smtp_error)}",
            ) from exc
        except OSError as exc:  # SMTPServerDisconnected, timeouts, resets
            raise TransientError(f"{self.where}: {exc or type(exc).__name__}") from exc
        finally:
            self._quit(smtp)

    @staticmethod
    def _quit(smtp: smtplib.SMTP) -> None:
        """Say goodbye; the message is already accepted, so a failing QUIT is no failure."""
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
