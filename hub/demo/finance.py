"""The finance system: invoices permit fees and matches incoming payments by OCR reference.

* ``POST /applicants`` (PermitApplicationReceived): the applicant of a permit case
  becomes the customer the fee will be charged to.
* ``POST /permits`` (PermitGranted): an invoice with a fresh OCR reference (Luhn check
  digit and length digit), and InvoiceIssued in the outbox, in one transaction. Before
  the case's customer is known it answers 503, and the hub retries.
* ``POST /payments`` (PaymentReceived): a payment with reference code OCR that carries an
  open invoice's reference, for at least its amount, pays it, and a "your fee is paid"
  ResidentNotificationRequested goes to the outbox; any other payment is kept unmatched
  for manual handling.
* ``GET /invoices/open``: what is still to be paid (the bank pays from this list).

Every delivery is idempotent through the tables' keys (case number, BGC serial number).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.bgmax.luhn import is_valid_ocr_reference, ocr_reference
from hub.demo import payloads
from hub.demo.database import add_to_outbox
from hub.demo.service import Answer, Refused, Service, Unavailable, get, post

_CUSTOMER = sa.text(
    """
    INSERT INTO kund (arendenr, namn, pnr, epost, adress)
    VALUES (:case, :name, :pnr, :email, CAST(:address AS jsonb))
    ON CONFLICT (arendenr) DO UPDATE
    SET namn = excluded.namn, pnr = excluded.pnr, epost = excluded.epost, adress = excluded.adress
    """
)
_CUSTOMER_OF = sa.text("SELECT namn, pnr, epost, adress FROM kund WHERE arendenr = :case")
_INVOICE = sa.text(
    """
    INSERT INTO faktura (ocr, fakturanr, arendenr, belopp_ore, utfardad, forfaller)
    VALUES (:ocr, :number, :case, :amount, current_date, current_date + 30)
    ON CONFLICT (arendenr) DO NOTHING
    RETURNING ocr
    """
)
_PAYMENT = sa.text(
    """
    INSERT INTO inbetalning (bgc_serienr, referens, belopp_ore) VALUES (:serial, :ref, :amount)
    ON CONFLICT (bgc_serienr) DO NOTHING
    RETURNING bgc_serienr
    """
)
_PAY = sa.text(
    """
    UPDATE faktura SET betald = now()
    WHERE ocr = :ref AND betald IS NULL AND belopp_ore <= :amount
    RETURNING arendenr, fakturanr
    """
)
_MATCHED = sa.text("UPDATE inbetalning SET ocr = :ref WHERE bgc_serienr = :serial")
_OPEN = sa.text(
    """
    SELECT f.ocr, f.belopp_ore, k.namn, k.pnr, k.adress
    FROM faktura f JOIN kund k USING (arendenr)
    WHERE f.betald IS NULL ORDER BY f.fakturanr
    """
)


class Finance:
    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, pool_size=4)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.service = Service(
            "finance",
            [
                post("/applicants", self.applicant),
                post("/permits", self.permit),
                post("/payments", self.payment),
                get("/invoices/open", self.open_invoices),
            ],
        )

    def start(self) -> None:
        self.service.start()

    def stop(self) -> None:
        self.service.stop()
        self.engine.dispose()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def applicant(self, key: str, body: dict[str, Any]) -> Answer:
        case, name = body.get("caseNumber"), body.get("name")
        if not case or not name:
            raise Refused("an applicant needs caseNumber and name")
        address = body.get("address")
        with self.engine.begin() as conn:
            conn.execute(
                _CUSTOMER,
                {
                    "case": case,
                    "name": name,
                    "pnr": body.get("identityNumber"),
                    "email": body.get("email"),
                    "address": json.dumps(address, ensure_ascii=False) if address else None,
                },
            )
        self._count("customers")
        return 200, {"caseNumber": case}

    def permit(self, key: str, body: dict[str, Any]) -> Answer:
        try:
            case, fee = str(body["caseNumber"]), int(body["fee"]["amountOre"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(f"a permit needs caseNumber and fee.amountOre ({exc})") from None
        year = dt.date.today().year
        with self.engine.begin() as conn:
            debtor = _first(conn.execute(_CUSTOMER_OF, {"case": case}))
            if debtor is None:
                raise Unavailable(f"the applicant of {case} is not known here yet")
            number = conn.execute(sa.text("SELECT nextval('faktura_seq')")).scalar_one()
            ocr = ocr_reference(f"{year % 100:02d}{number:07d}")
            invoice = f"{year}-{number:06d}"
            values = {"ocr": ocr, "number": invoice, "case": case, "amount": fee}
            if conn.execute(_INVOICE, values).first() is None:
                self._count("duplicates")
                return 200, {"duplicate": True}
            data = payloads.invoice_issued(
                ocr, invoice, case, str(body.get("measure", "")), fee, debtor
            )
            add_to_outbox(conn, "InvoiceIssued", ocr, data)
        self._count("invoices issued")
        return 201, {"ocrReference": ocr, "invoiceNumber": invoice}

    def payment(self, key: str, body: dict[str, Any]) -> Answer:
        try:
            ref, serial = str(body["reference"]), str(body["bgcSerialNumber"])
            amount = int(body["amountOre"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(
                f"a payment needs reference, bgcSerialNumber, amountOre ({exc})"
            ) from None
        by_ocr = body.get("referenceCode") == "OCR" and is_valid_ocr_reference(ref)
        with self.engine.begin() as conn:
            values = {"serial": serial, "ref": ref, "amount": amount}
            if conn.execute(_PAYMENT, values).first() is None:
                self._count("duplicates")
                return 200, {"duplicate": True}
            paid = conn.execute(_PAY, values).first() if by_ocr else None
            if paid is not None:
                conn.execute(_MATCHED, values)
                debtor = _first(conn.execute(_CUSTOMER_OF, {"case": paid.arendenr}))
                assert debtor is not None  # faktura.arendenr references kund
                notice = str(uuid.uuid4())
                data = payloads.fee_paid_notice(notice, paid.arendenr, paid.fakturanr, debtor)
                add_to_outbox(conn, "ResidentNotificationRequested", notice, data)
        self._count("payments")
        self._count("invoices paid" if paid is not None else "unmatched payments")
        return 201, {"matched": paid is not None}

    async def open_invoices(self, request: Request) -> Response:
        def read() -> list[dict[str, Any]]:
            with self.engine.connect() as conn:
                rows = conn.execute(_OPEN).mappings().all()
            return [
                {
                    "ocrReference": r["ocr"],
                    "amountOre": r["belopp_ore"],
                    "name": r["namn"],
                    "identityNumber": r["pnr"],
                    "address": r["adress"],
                }
                for r in rows
            ]

        return JSONResponse(await run_in_threadpool(read))

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1


def _first(result: sa.CursorResult[Any]) -> dict[str, Any] | None:
    row = result.mappings().first()
    return None if row is None else dict(row)
