"""The sql-upsert sink against a real PostgreSQL (and a real SQLite file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.sql_upsert.config import SqlUpsertConfig
from connectors.sql_upsert.connector import connector
from connectors.sql_upsert.sink import SqlUpsertSink
from hub.routing.types import PermanentError
from hub.sdk import FatalError
from tests.connectors.deliveries import context, delivery

PERMIT_EVENTS = {
    "table": "permit_events",
    "columns": {
        "permit_id": "permitId",
        "decision": "decision",
        "fee": "fee",
        "city": "site.city",
        "details": "details",
    },
}
PERMITS = {
    "table": "permits",
    "columns": {"permit_id": "permitId", "status": "status", "changed_at": "changedAt"},
    "on_conflict": "permit_id",
}


@pytest.fixture
def opened() -> Iterator[list[SqlUpsertSink]]:
    sinks: list[SqlUpsertSink] = []
    yield sinks
    for sink in sinks:
        sink.close()


def open_sink(url: str, opened: list[SqlUpsertSink], **config: Any) -> SqlUpsertSink:
    built = connector.build(SqlUpsertConfig.model_validate({"url": url, **config}))
    assert isinstance(built, SqlUpsertSink)
    built.open(context())
    opened.append(built)
    return built


def rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def granted(permit: str = "BN 2026/00042", **extra: Any) -> dict[str, Any]:
    return {
        "permitId": permit,
        "decision": "GRANTED",
        "fee": 12500,
        "site": {"city": "Umeå"},
        "details": {"rooms": ["kök", "bad"]},
        **extra,
    }


def test_the_same_event_delivered_twice_gives_one_row(
    db_url: str, db: sa.Engine, opened: list[SqlUpsertSink]
) -> None:
    sink = open_sink(db_url, opened, **PERMIT_EVENTS)
    d = delivery(granted())
    sink.deliver(d)
    sink.deliver(d)
    assert rows(
        db, "SELECT event_id::text, permit_id, decision, fee, city, details FROM permit_events"
    ) == [(d.id, "BN 2026/00042", "GRANTED", 12500, "Umeå", {"rooms": ["kök", "bad"]})]


def test_a_field_the_payload_lacks_is_written_as_null(
    db_url: str, db: sa.Engine, opened: list[SqlUpsertSink]
) -> None:
    sink = open_sink(db_url, opened, **PERMIT_EVENTS)
    sink.deliver(delivery({"permitId": "BN 2026/00043", "decision": "REFUSED"}))
    assert rows(db, "SELECT fee, city, details FROM permit_events") == [(None, None, None)]


def test_newer_events_of_a_case_update_its_row(
    db_url: str, db: sa.Engine, opened: list[SqlUpsertSink]
) -> None:
    sink = open_sink(db_url, opened, **PERMITS)
    first = delivery({"permitId": "BN 2026/7", "status": "RECEIVED"})
    second = delivery({"permitId": "BN 2026/7", "status": "GRANTED"})
    other = delivery({"permitId": "BN 2026/8", "status": "RECEIVED"})
    for d in (first, second, second, other):
        sink.deliver(d)
    assert rows(db, "SELECT permit_id, status, event_id FROM permits ORDER BY permit_id") == [
        ("BN 2026/7", "GRANTED", second.id),
        ("BN 2026/8", "RECEIVED", other.id),
    ]


def test_with_a_version_column_an_older_event_does_not_overwrite_a_newer_one(
    db_url: str, db: sa.Engine, opened: list[SqlUpsertSink]
) -> None:
    sink = open_sink(db_url, opened, **PERMITS, version_column="changed_at")
    older = delivery(
        {"permitId": "BN 2026/9", "status": "RECEIVED", "changedAt": "2026-11-01T09:00:00Z"}
    )
    newer = delivery(
        {"permitId": "BN 2026/9", "status": "GRANTED", "changedAt": "2026-11-20T09:00:00Z"}
    )
    for d in (older, newer, older):
        sink.deliver(d)
    assert rows(db, "SELECT status, event_id FROM permits") == [("GRANTED", newer.id)]


@pytest.mark.parametrize(
    ("payload", "column", "reason"),
    [
        (granted(fee="tolv tusen"), "fee", "invalid input syntax for type integer"),
        (granted(permit="BN 2026/000000000000042"), "permit_id", "value too long"),
        (granted(permit=None), "permit_id", "null value"),
        (granted(decision="MAYBE"), None, "check constraint"),
        (granted(site={"city": {"name": "Umeå"}}), "city", "cannot adapt"),
    ],
)
def test_a_value_the_table_refuses_is_permanent_and_names_the_column(
    db_url: str,
    db: sa.Engine,
    opened: list[SqlUpsertSink],
    payload: dict[str, Any],
    column: str | None,
    reason: str,
) -> None:
    sink = open_sink(db_url, opened, **PERMIT_EVENTS)
    with pytest.raises(PermanentError, match=reason) as err:
        sink.deliver(delivery(payload))
    message = str(err.value)
    if column:
        assert message.startswith(f"column permit_events.{column}: "), message
    else:
        assert "constraint permit_events_decision_check" in message
    sink.deliver(delivery(granted()))  # the sink goes on after a refused value
    assert len(rows(db, "SELECT 1 FROM permit_events")) == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"table": "nope", "columns": {"status": "status"}}, "table nope does not exist"),
        ({"table": "permits", "columns": {"state": "status"}}, "has no column state"),
        (
            {"table": "no_unique", "columns": {"status": "status"}},
            r"unique constraint on \(event_id\)",
        ),
        (
            {"table": "permits", "columns": {"status": "status"}, "on_conflict": "status"},
            r"ADD UNIQUE \(status\)",
        ),
    ],
)
def test_a_table_that_cannot_take_the_rows_stops_the_route(
    db_url: str, opened: list[SqlUpsertSink], config: dict[str, Any], message: str
) -> None:
    sink = open_sink(db_url, opened, **config)
    with pytest.raises(FatalError, match=message):
        sink.deliver(delivery({"status": "GRANTED"}))


def test_sqlite_skips_repeats_and_updates_by_case(
    tmp_path: Path, opened: list[SqlUpsertSink]
) -> None:
    url = f"sqlite:///{tmp_path / 'dept.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE permits (permit_id text PRIMARY KEY, event_id text, status text)"
        )
        conn.exec_driver_sql("CREATE TABLE log (event_id text UNIQUE, status text)")
    by_case = open_sink(
        url, opened, **{**PERMITS, "columns": {"permit_id": "permitId", "status": "status"}}
    )
    log = open_sink(url, opened, table="log", columns={"status": "status"})
    first = delivery({"permitId": "BN 1", "status": "RECEIVED"})
    second = delivery({"permitId": "BN 1", "status": "GRANTED"})
    for d in (first, second, second):
        by_case.deliver(d)
        log.deliver(d)
    assert rows(engine, "SELECT permit_id, status, event_id FROM permits") == [
        ("BN 1", "GRANTED", second.id)
    ]
    assert rows(engine, "SELECT status FROM log ORDER BY status") == [("GRANTED",), ("RECEIVED",)]
    engine.dispose()
