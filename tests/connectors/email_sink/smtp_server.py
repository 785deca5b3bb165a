"""A real SMTP server for the email sink's tests: aiosmtpd in a process of its own.

:class:`Inbox` stores accepted messages in a Maildir and answers recipients the way a
relay does: ``unknown@…`` does not exist (550), ``full@…`` has a full mailbox (452).
It is loaded by aiosmtpd's command line (``-c tests.connectors.email_sink.smtp_server.Inbox
DIR``), so the sink talks to a real server over a real socket.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.handlers import Mailbox

ROOT = Path(__file__).resolve().parents[3]


class Inbox(Mailbox):
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        local = address.partition("@")[0]
        if local == "unknown":
            return "550 5.1.1 No such user here"
        if local == "full":
            return "452 4.2.2 Mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpServer:
    """``python -m aiosmtpd`` on a free loopback port, storing mail under ``folder``."""

    def __init__(self, folder: Path, *extra: str) -> None:
        self.maildir = folder / "maildir"
        self.extra = extra
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "smtpd.log"

    def start(self, timeout: float = 20.0) -> SmtpServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}"]
        command += [*self.extra, "-c", f"{__name__}.Inbox", str(self.maildir)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"aiosmtpd exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"aiosmtpd did not listen: {self.log.read_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def received(self, message_id: str | None = None) -> list[EmailMessage]:
        """The messages the server accepted (with this Message-ID), parsed as a reader would."""
        out: list[EmailMessage] = []
        for path in sorted((self.maildir / "new").iterdir()):
            with path.open("rb") as raw:
                parsed = BytesParser(policy=policy.default).parse(raw)
            assert isinstance(parsed, EmailMessage)
            if message_id is None or parsed["Message-ID"] == message_id:
                out.append(parsed)
        return out
