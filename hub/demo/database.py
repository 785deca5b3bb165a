"""The departments' databases on a throw-away PostgreSQL: the case system's legacy
diarium and the finance system's ledger, each with a transactional outbox table.

The cluster lives in ``.hub/demo/pg`` and is created anew for every run (a cluster left
running by a killed run is stopped first).
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hub.demo.errors import DemoError
from hub.localpg import LocalPostgres, PostgresMissing

OUTBOX = """
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    type        text NOT NULL,
    aggregateid text NOT NULL,
    payload     jsonb NOT NULL,
    skapad      timestamptz NOT NULL DEFAULT now()
)
"""

DIARIUM = (
    "CREATE SEQUENCE diarienr_seq",
    "CREATE SEQUENCE beslut_seq",
    """
    CREATE TABLE arende (
        id           bigserial PRIMARY KEY,
        diarienr     text NOT NULL UNIQUE,
        registrerad  timestamptz NOT NULL DEFAULT now(),
        inkom        date NOT NULL,
        serie        text NOT NULL DEFAULT 'BN',
        arendetyp    text NOT NULL DEFAULT 'BYGGLOV',
        atgard       text NOT NULL,
        fastighet    text NOT NULL,
        klass        text NOT NULL DEFAULT '3.1.2',
        enhet        text NOT NULL DEFAULT 'Bygglov',
        handlaggare  text,
        sekretess    char(1) NOT NULL DEFAULT 'O',
        status       char(1) NOT NULL DEFAULT 'M',
        e_tjanst_ref text NOT NULL UNIQUE,
        sokande      jsonb NOT NULL,
        avgift_ore   bigint NOT NULL,
        beslut_efter timestamptz NOT NULL,
        beslutat     timestamptz
    )
    """,
    OUTBOX,
)
"""The building committee's diarium as an older system keeps it: one row per case
(status M mottaget, B beslutat; secrecy O öppen, D delvis, S sekretess)."""

EKONOMI = (
    "CREATE SEQUENCE faktura_seq",
    """
    CREATE TABLE kund (
        arendenr text PRIMARY KEY,
        namn     text NOT NULL,
        pnr      text,
        epost    text,
        adress   jsonb
    )
    """,
    """
    CREATE TABLE faktura (
        ocr        text PRIMARY KEY,
        fakturanr  text NOT NULL UNIQUE,
        arendenr   text NOT NULL UNIQUE REFERENCES kund,
        belopp_ore bigint NOT NULL,
        utfardad   date NOT NULL,
        forfaller  date NOT NULL,
        betald     timestamptz
    )
    """,
    """
    CREATE TABLE inbetalning (
        bgc_serienr text PRIMARY KEY,
        referens    text NOT NULL,
        belopp_ore  bigint NOT NULL,
        ocr         text REFERENCES faktura,
        mottagen    timestamptz NOT NULL DEFAULT now()
    )
    """,
    OUTBOX,
)
"""The finance system: customers per permit case, invoices by OCR reference, payments."""


def fresh_postgres(folder: Path) -> LocalPostgres:
    """A new, running cluster in ``folder`` (whatever was there is removed)."""
    try:
        if (folder / "data" / "postmaster.pid").exists():
            LocalPostgres(folder).stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
        return LocalPostgres(folder).start()
    except PostgresMissing as exc:
        raise DemoError(str(exc)) from exc
    except RuntimeError as exc:
        raise DemoError(f"PostgreSQL did not start in {folder}: {exc}") from exc


def create_database(server: LocalPostgres, name: str, ddl: tuple[str, ...]) -> str:
    """Create database ``name`` with its tables; returns its SQLAlchemy URL."""
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = server.url(name)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in ddl:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()
    return url


def add_to_outbox(conn: sa.Connection, event: str, key: str, payload: dict[str, Any]) -> str:
    """Write one event into the outbox, in the caller's transaction; returns its id."""
    event_id = str(uuid.uuid4())
    conn.execute(
        sa.text(
            "INSERT INTO outbox (event_id, type, aggregateid, payload) "
            "VALUES (:id, :type, :key, CAST(:payload AS jsonb))"
        ),
        {"id": event_id, "type": event, "key": key, "payload": json.dumps(payload)},
    )
    return event_id
