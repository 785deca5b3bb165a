"""Bankgirot: every few seconds the residents' payments of the open invoices arrive as a
BgMax file in the ``bgmax`` source's inbox.

Each open invoice (``GET /invoices/open`` of the finance system) is paid once, in full,
by its OCR reference (reference code 2). Every third file also carries a payment whose
reference matches no invoice, as real files do, for finance to leave unmatched. Files
are written beside the inbox's other files under a dot-name and renamed when complete,
so the source never reads half a file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from connectors.bgmax import (
    BgMaxFile,
    Channel,
    Deposit,
    FileHeader,
    Payer,
    Payment,
    ReferenceCode,
    write_bgmax,
)
from connectors.bgmax.luhn import ocr_reference
from connectors.bgmax.synthetic import MUNICIPALITY_ACCOUNT, MUNICIPALITY_BANKGIRO
from hub.demo.pace import Pace

log = logging.getLogger(__name__)

BANKGIROT_TIME = ZoneInfo("Europe/Stockholm")


class Bank:
    def __init__(self, finance_url: str, inbox: Path, pace: Pace, seed: int = 3) -> None:
        self.invoices_url = f"{finance_url}/invoices/open"
        self.inbox = inbox
        self.pace = pace
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)  # noqa: S311 - made-up payments
        self._serial = self._rng.randrange(10**9, 10**10)
        self._paid: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bankgirot", daemon=True)
        self._client = httpx.Client(timeout=10)

    def start(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(15)
        self._client.close()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def _run(self) -> None:
        while not self._stopping.wait(self.pace.bank_every):
            try:
                self.deliver()
            except (httpx.HTTPError, OSError, ValueError) as exc:
                log.warning("bank: no file this time: %s", exc)

    def deliver(self) -> Path | None:
        """Write one file paying every open invoice not paid yet; None when there is none."""
        answer = self._client.get(self.invoices_url)
        answer.raise_for_status()
        due = [i for i in answer.json() if i["ocrReference"] not in self._paid]
        if not due:
            return None
        payments = [self._payment(i["ocrReference"], i["amountOre"], _payer(i)) for i in due]
        files = self.counts["files"] + 1
        if files % 3 == 0:
            stray = ocr_reference(str(self._rng.randrange(10**6, 10**7)))
            payments.append(self._payment(stray, self._rng.randrange(100, 2_000) * 100, Payer()))
        path = self._write(files, payments)
        self._paid.update(i["ocrReference"] for i in due)
        with self._lock:
            self.counts["files"] += 1
            self.counts["payments"] += len(payments)
        return path

    def _payment(self, reference: str, amount: int, payer: Payer) -> Payment:
        self._serial += 1
        return Payment(
            record_type=20,
            sender_bankgiro=None,
            reference=reference,
            amount=amount,
            reference_code=ReferenceCode.OCR,
            channel=Channel.BANK,
            serial_number=f"{self._serial:012d}",
            has_image=False,
            payer=payer,
        )

    def _write(self, number: int, payments: list[Payment]) -> Path:
        now = dt.datetime.now(BANKGIROT_TIME).replace(tzinfo=None)
        deposit = Deposit(
            recipient_bankgiro=MUNICIPALITY_BANKGIRO,
            recipient_plusgiro=None,
            currency="SEK",
            account=MUNICIPALITY_ACCOUNT,
            payment_date=now.date(),
            serial_number=f"{number:05d}",
            deposit_type="",
            payments=tuple(payments),
        )
        content = write_bgmax(BgMaxFile(FileHeader(timestamp=now, test=True), (deposit,)))
        name = f"BGMAX_{now:%Y%m%d_%H%M%S}_{number:03d}.txt"
        part = self.inbox / f".{name}.part"
        part.write_bytes(content)
        os.replace(part, self.inbox / name)
        return self.inbox / name


def _payer(invoice: dict[str, Any]) -> Payer:
    address = invoice.get("address") or {}
    return Payer(
        name=str(invoice.get("name") or "")[:35],
        address=str(address.get("street", ""))[:35],
        postal_code=str(address.get("postalCode", ""))[:9],
        city=str(address.get("city", ""))[:35],
        identity_number=invoice.get("identityNumber"),
    )
