"""PostgreSQL crashes while the source polls and rows keep coming: the source retries,
reports the failures in its metrics, resumes, and publishes every row exactly once."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import sqlalchemy as sa

from connectors.sql_poll.connector import connector
from hub.events import Catalog
from hub.localpg import LocalPostgres
from hub.runtime.source_runner import SourceRunner
from hub.testing import run_source
from tests.connectors.sql_poll.legacy import ARENDE, case_number, case_opened_config, create
from tests.kafka_env import KafkaUnderTest
from tests.pg import create_database, own_postgres

pytestmark = pytest.mark.integration


class Writer(threading.Thread):
    """Inserts ``total`` cases one transaction each, retrying (with a new case number)
    while the database is down; an insert whose commit was lost may still have landed."""

    def __init__(self, engine: sa.Engine, total: int) -> None:
        super().__init__(name="case-writer", daemon=True)
        self.engine = engine
        self.total = total
        self.committed = 0
        self.failures = 0
        self.done = threading.Event()

    def run(self) -> None:
        attempt = 0
        while self.committed < self.total:
            attempt += 1
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        sa.text("INSERT INTO arende (diarienr, rubrik) VALUES (:nr, 'Test')"),
                        {"nr": case_number(attempt)},
                    )
                self.committed += 1
                time.sleep(0.01)
            except sa.exc.DBAPIError:
                self.failures += 1
                time.sleep(0.1)
        self.done.set()


def _crash_and_restart(server: LocalPostgres, writer: Writer, down_for: float) -> None:
    while writer.committed < writer.total // 4:
        time.sleep(0.02)
    server.stop("immediate")
    time.sleep(down_for)
    server.start()


def _database_rows(engine: sa.Engine) -> tuple[int, list[str]] | None:
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, diarienr FROM arende ORDER BY id")).all()
    except sa.exc.DBAPIError:
        return None
    return (rows[-1][0] if rows else 0), [r[1] for r in rows]


def test_a_database_crash_mid_polling_loses_and_repeats_nothing(
    kafka: KafkaUnderTest, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with own_postgres() as server:
        url = create_database(server)
        secret = f":{server.password}@"
        engine = sa.create_engine(url, pool_pre_ping=True)
        create(engine, ARENDE)
        writer = Writer(engine, total=400)
        chaos = threading.Thread(target=_crash_and_restart, args=(server, writer, 3.0), daemon=True)

        def caught_up(runner: SourceRunner) -> bool:
            if not writer.done.is_set() or chaos.is_alive():
                return False
            found = _database_rows(engine)
            return found is not None and runner.position == {"id": found[0]}

        writer.start()
        chaos.start()
        published = run_source(
            connector,
            case_opened_config(url, batch_size=25, poll_interval=0.05),
            kafka=kafka.connection,
            catalog=catalog,
            name="diarium",
            idle_polls=10**9,
            timeout=120,
            until=caught_up,
        )
        writer.join(5)
        chaos.join(5)
        found = _database_rows(engine)
        engine.dispose()

    assert found is not None
    rows = found[1]
    assert writer.failures > 0  # the writer did meet the crash
    assert len(rows) >= writer.total
    numbers = [e.data["caseNumber"] for e in published.events]
    assert len(numbers) == len(rows)  # nothing published twice ...
    assert set(numbers) == set(rows)  # ... and nothing lost
    assert published.metrics is not None
    # the crash meets the poll (ids) or the worker reading the batch's rows
    errors = sum(
        published.metrics.get_sample_value(
            "hub_source_errors_total", {"connector": "diarium", "reason": reason}
        )
        or 0
        for reason in ("poll:transient", "publish:transient")
    )
    assert errors >= 1
    assert "database unavailable" in caplog.text
    assert secret not in caplog.text
