"""A legacy case-management database for the tests: its tables, rows and mappings.

``arende`` is a case register as an older diarium keeps it (Swedish column names, a
one-letter status, naive local timestamps); ``outbox`` is a transactional outbox table
with Debezium's column names. Case numbers and names are synthetic.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from connectors.sql_poll.config import SqlPollConfig

ARENDE = """
CREATE TABLE arende (
    id          bigserial PRIMARY KEY,
    diarienr    text,
    serie       text NOT NULL DEFAULT 'KS',
    arendetyp   text NOT NULL DEFAULT 'BYGGLOV',
    rubrik      text,
    sokande     text,
    registrerad timestamp NOT NULL DEFAULT localtimestamp,
    inkom       date,
    status      char(1) NOT NULL DEFAULT 'O',
    sekretess   text NOT NULL DEFAULT 'PUBLIC',
    andrad      timestamp NOT NULL DEFAULT localtimestamp
)
"""

OUTBOX = """
CREATE TABLE outbox (
    seq           bigserial PRIMARY KEY,
    id            uuid NOT NULL,
    aggregatetype text NOT NULL,
    aggregateid   text,
    type          text,
    payload       jsonb,
    created       timestamptz NOT NULL DEFAULT now()
)
"""

UMEA_CONSTANTS = {
    "municipality.code": {"const": "2480"},
    "municipality.organisationNumber": {"const": "212000-2627"},
}
STATUS = {"O": "OPEN", "P": "IN_PROGRESS", "A": "CLOSED"}


def case_number(n: int) -> str:
    return f"KS 2026/{n:05d}"


def create(engine: sa.Engine, *ddl: str) -> None:
    with engine.begin() as conn:
        for statement in ddl:
            conn.execute(sa.text(statement))


def insert_cases(engine: sa.Engine, rows: Iterable[dict[str, Any]]) -> list[int]:
    """Insert ``arende`` rows (each in the same transaction); returns their ids."""
    ids = []
    with engine.begin() as conn:
        for row in rows:
            columns = ", ".join(row)
            values = ", ".join(f":{name}" for name in row)
            found = conn.execute(
                sa.text(f"INSERT INTO arende ({columns}) VALUES ({values}) RETURNING id"), row
            )
            ids.append(int(found.scalar_one()))
    return ids


def case_row(n: int, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "diarienr": case_number(n),
        "rubrik": f"Nybyggnad av enbostadshus, fastighet Test {n}:1",
        "sokande": f"Testperson {n}",
        "registrerad": dt.datetime(2026, 3, 1, 10, 15) + dt.timedelta(minutes=n),
        "inkom": dt.date(2026, 2, 27),
    }
    row.update(extra)
    return row


def insert_outbox(engine: sa.Engine, rows: Iterable[tuple[str, str | None, Any]]) -> list[str]:
    """Insert outbox rows ``(type, aggregate id, payload)``; returns their event ids."""
    ids = []
    with engine.begin() as conn:
        for event_type, aggregate, payload in rows:
            event_id = str(uuid.uuid4())
            conn.execute(
                sa.text(
                    "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) "
                    "VALUES (:id, 'case', :agg, :type, CAST(:payload AS jsonb))"
                ),
                {
                    "id": event_id,
                    "agg": aggregate,
                    "type": event_type,
                    "payload": json.dumps(payload),
                },
            )
            ids.append(event_id)
    return ids


def case_opened_config(url: str, **extra: Any) -> SqlPollConfig:
    """Every ``arende`` row as a CaseOpened, read by id."""
    settings: dict[str, Any] = {
        "url": url,
        "table": "arende",
        "mode": "incrementing",
        "id_column": "id",
        "municipality_code": "2480",
        "system": "diarium",
        "poll_interval": 0.1,
        "columns": ["status"],
        "mapping": {
            "event": "CaseOpened",
            "fields": {
                "caseNumber": "diarienr",
                **UMEA_CONSTANTS,
                "openedAt": "registrerad",
                "receivedOn": "inkom",
                "registry": "serie",
                "caseType": "arendetyp",
                "title": {"template": "{arendetyp}: {rubrik}"},
                "secrecy": "sekretess",
            },
        },
    }
    settings.update(extra)
    return SqlPollConfig.model_validate(settings)


def status_changed_config(url: str, **extra: Any) -> SqlPollConfig:
    """Each new or changed ``arende`` row as a CaseStatusChanged, by (andrad, id)."""
    settings: dict[str, Any] = {
        "url": url,
        "table": "arende",
        "mode": "timestamp+incrementing",
        "id_column": "id",
        "timestamp_column": "andrad",
        "municipality_code": "2480",
        "system": "diarium",
        "timezone": "UTC",
        "poll_interval": 0.1,
        "mapping": {
            "event": "CaseStatusChanged",
            "fields": {
                "caseNumber": "diarienr",
                **UMEA_CONSTANTS,
                "changedAt": "andrad",
                "status": {"column": "status", "values": STATUS},
            },
        },
    }
    settings.update(extra)
    return SqlPollConfig.model_validate(settings)
