"""The building committee's case system: applications in, cases and decisions out.

An application the hub delivers (``POST /applications``) becomes, in one database
transaction, a row in the legacy ``arende`` table (which the ``sql-poll`` source turns
into CaseOpened) and two outbox rows: PermitApplicationReceived, and a "we have received
your application" ResidentNotificationRequested. A case officer decides each case a few
seconds later (:class:`~hub.demo.pace.Pace`), writing PermitGranted to the outbox in the
transaction that marks the case decided. The same application delivered twice opens one
case: ``e_tjanst_ref`` is unique.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa

from hub.demo import payloads
from hub.demo.database import add_to_outbox
from hub.demo.pace import Pace
from hub.demo.people import MEASURES
from hub.demo.service import Answer, Refused, Service, post

log = logging.getLogger(__name__)

_OFFICERS = ("bn.elin.s", "bn.johan.k", "bn.sara.m")
_FEES = {measure: kronor * 100 for measure, kronor in MEASURES}
_DEFAULT_FEE = 5_000_00

_OPEN_CASE = sa.text(
    """
    INSERT INTO arende (diarienr, inkom, atgard, fastighet, handlaggare, e_tjanst_ref,
                        sokande, avgift_ore, beslut_efter)
    VALUES ('BN ' || to_char(now(), 'YYYY') || '-' || lpad(nextval('diarienr_seq')::text, 6, '0'),
            current_date, :measure, :property, :officer, :ref, CAST(:applicant AS jsonb), :fee,
            now() + make_interval(secs => :after))
    ON CONFLICT (e_tjanst_ref) DO NOTHING
    RETURNING diarienr, inkom
    """
)
_CASE_OF = sa.text("SELECT diarienr FROM arende WHERE e_tjanst_ref = :ref")
_DUE = sa.text(
    """
    SELECT diarienr, atgard, fastighet, avgift_ore FROM arende
    WHERE status = 'M' AND beslut_efter <= now()
    ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED
    """
)
_DECIDED = sa.text("UPDATE arende SET status = 'B', beslutat = now() WHERE diarienr = :case")


class CaseSystem:
    def __init__(self, url: str, pace: Pace, seed: int = 1) -> None:
        self.engine = sa.create_engine(url, pool_size=4)
        self.pace = pace
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)  # noqa: S311 - made-up case data
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._officer = threading.Thread(target=self._work, name="case-officer", daemon=True)
        self.service = Service("case-system", [post("/applications", self.application)])

    def start(self) -> None:
        self.service.start()
        self._officer.start()

    def stop(self) -> None:
        self._stopping.set()
        self._officer.join(5)
        self.service.stop()
        self.engine.dispose()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    # -- applications ------------------------------------------------------------------
    def application(self, key: str, body: dict[str, Any]) -> Answer:
        try:
            ref = str(body["applicationId"])
            measure, prop = body["answers"]["atgard"], body["answers"]["fastighet"]
            applicant = body["applicant"]
        except (KeyError, TypeError) as exc:
            raise Refused(f"the application lacks {exc}") from None
        if not isinstance(applicant, dict) or not applicant.get("name"):
            raise Refused("the application names no applicant")
        answers = body["answers"]
        address = {
            "street": answers.get("utdelningsadress", ""),
            "postalCode": answers.get("postnummer", ""),
            "city": answers.get("postort", ""),
        }
        with self._lock:
            officer = self._rng.choice(_OFFICERS)
            after = self._rng.uniform(*self.pace.decision_after)
        values = {
            "measure": measure,
            "property": prop,
            "officer": officer,
            "ref": ref,
            "applicant": json.dumps(applicant, ensure_ascii=False),
            "fee": _FEES.get(measure, _DEFAULT_FEE),
            "after": after,
        }
        with self.engine.begin() as conn:
            row = conn.execute(_OPEN_CASE, values).first()
            if row is None:
                case = conn.execute(_CASE_OF, {"ref": ref}).scalar_one()
                self._count("duplicates")
                return 200, {"caseNumber": case, "duplicate": True}
            case, received = str(row.diarienr), row.inkom
            data = payloads.application_received(case, received, body, address)
            add_to_outbox(conn, "PermitApplicationReceived", case, data)
            notice = str(uuid.uuid4())
            receipt = payloads.receipt_notice(notice, case, applicant)
            add_to_outbox(conn, "ResidentNotificationRequested", notice, receipt)
        self._count("cases opened")
        return 201, {"caseNumber": case}

    # -- the case officer --------------------------------------------------------------
    def _work(self) -> None:
        while not self._stopping.wait(0.3):
            try:
                decided = self._decide_due()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("case officer: %s", exc)
                continue
            if decided:
                self._count("permits granted", decided)

    def _decide_due(self) -> int:
        year = dt.date.today().year
        with self.engine.begin() as conn:
            rows = conn.execute(_DUE).mappings().all()
            for row in rows:
                number = conn.execute(sa.text("SELECT nextval('beslut_seq')")).scalar_one()
                data = payloads.permit_granted(
                    row["diarienr"],
                    row["atgard"],
                    row["fastighet"],
                    row["avgift_ore"],
                    f"BN D § {number}/{year}",
                )
                add_to_outbox(conn, "PermitGranted", row["diarienr"], data)
                conn.execute(_DECIDED, {"case": row["diarienr"]})
        return len(rows)

    def _count(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.counts[what] += n
