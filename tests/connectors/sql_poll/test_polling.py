"""Polling a real PostgreSQL without Kafka: which rows each mode finds, positions, delays,
column checks, and database failures as the SDK's errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.source import SqlPollSource
from hub.events import Catalog, Event
from hub.sdk import Batch, FatalError, Position, SourceContext, TransientError
from tests.connectors.sql_poll.legacy import (
    ARENDE,
    case_number,
    case_opened_config,
    case_row,
    create,
    insert_cases,
    status_changed_config,
)
from tests.pg import create_database, own_postgres


@pytest.fixture(autouse=True, params=[True, False], ids=["worker-ranges", "in-process"])
def in_worker(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Every test both ways: batches as ranges read by ``RowEvents`` (for the encoding
    worker, iterated here), and rows read and mapped by the poll itself."""
    _MODE["in_worker"] = request.param
    yield request.param
    _MODE.clear()


_MODE: dict[str, bool] = {}


def _opened(config: SqlPollConfig, catalog: Catalog) -> SqlPollSource:
    config = config.model_copy(update={"encode_in_worker": _MODE["in_worker"]})
    source = SqlPollSource(config)
    source.open(SourceContext("diarium", catalog=catalog))
    return source


def _drain(source: SqlPollSource, position: Position | None = None) -> list[Batch]:
    """Every batch until the source has nothing more, each after the last one's position."""
    batches = []
    while (batch := source.poll(position)) is not None:
        batches.append(batch)
        json.dumps(batch.position)  # positions are JSON
        position = batch.position
    return batches


def _numbers(batch: Batch) -> list[str]:
    events: list[Event] = list(batch.events)
    return [e.data["caseNumber"] for e in events]


def test_timestamp_mode_never_splits_rows_that_share_a_timestamp(
    catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    first, second = dt.datetime(2026, 3, 2, 8, 0), dt.datetime(2026, 3, 2, 9, 0)
    insert_cases(db, [case_row(n, andrad=first) for n in range(1, 6)])
    insert_cases(db, [case_row(n, andrad=second) for n in range(6, 10)])
    config = status_changed_config(db_url, mode="timestamp", batch_size=3)
    source = _opened(config, catalog)
    try:
        batches = _drain(source)
    finally:
        source.close()
    assert [sorted(_numbers(b)) for b in batches] == [
        [case_number(n) for n in range(1, 6)],
        [case_number(n) for n in range(6, 10)],
    ]
    assert [b.position for b in batches] == [
        {"timestamp": "2026-03-02T08:00:00"},
        {"timestamp": "2026-03-02T09:00:00"},
    ]


def test_the_delay_holds_back_rows_of_transactions_that_may_still_be_open(
    catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # the server's zone is UTC
    old = now - dt.timedelta(hours=2)
    ids = insert_cases(
        db,
        [
            case_row(1, andrad=old),
            case_row(2, andrad=old),
            case_row(3, andrad=now),  # committed just now: inside the delay
            case_row(4, andrad=old),  # a later id that is old enough
        ],
    )
    status = _opened(status_changed_config(db_url, delay_seconds=600), catalog)
    incrementing = _opened(
        case_opened_config(db_url, timestamp_column="andrad", delay_seconds=600, timezone="UTC"),
        catalog,
    )
    try:
        by_time = _drain(status)
        by_id = _drain(incrementing)
    finally:
        status.close()
        incrementing.close()
    # by timestamp: every row older than the delay
    assert [sorted(_numbers(b)) for b in by_time] == [[case_number(n) for n in (1, 2, 4)]]
    # by id: the batch ends before the young row, so row 4 waits behind it
    assert [_numbers(b) for b in by_id] == [[case_number(1), case_number(2)]]
    assert by_id[0].position == {"id": ids[1]}


def test_where_limits_the_rows_read(catalog: Catalog, db: sa.Engine, db_url: str) -> None:
    create(db, ARENDE)
    insert_cases(db, [case_row(1), case_row(2, arendetyp="INTERN"), case_row(3)])
    # a literal % in the condition survives the drivers' %-style parameters
    where = "arendetyp <> 'INTERN' AND arendetyp NOT LIKE '%ERN'"
    source = _opened(case_opened_config(db_url, where=where), catalog)
    try:
        batches = _drain(source)
    finally:
        source.close()
    assert [_numbers(b) for b in batches] == [[case_number(1), case_number(3)]]


def test_columns_the_table_lacks_stop_the_source_naming_their_config_path(
    catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    config = case_opened_config(db_url)
    assert config.mapping is not None
    fields: dict[str, Any] = dict(config.mapping.fields)
    fields["caseNumber"] = "diarienummer"
    fields["caseType"] = "ArendeTyp"
    wrong = config.model_copy(
        update={"mapping": config.mapping.model_copy(update={"fields": fields})}
    )
    source = _opened(wrong, catalog)
    with pytest.raises(FatalError) as caught:
        source.poll(None)
    source.close()
    message = str(caught.value)
    assert "config.mapping.fields.caseNumber: table arende has no column 'diarienummer'" in message
    assert "its columns: id, diarienr," in message
    assert "config.mapping.fields.caseType: table arende has no column 'ArendeTyp'" in message
    assert "did you mean 'arendetyp'?" in message

    missing = _opened(case_opened_config(db_url, table="arenden"), catalog)
    with pytest.raises(FatalError, match=r"config\.table: .* no table or view 'arenden'"):
        missing.poll(None)
    missing.close()


def test_a_database_that_is_down_is_a_transient_error_until_it_is_back(
    catalog: Catalog,
) -> None:
    with own_postgres() as server:
        url = create_database(server)
        secret = f":{server.password}@"
        engine = sa.create_engine(url)
        create(engine, ARENDE)
        insert_cases(engine, [case_row(1)])
        engine.dispose()
        source = _opened(case_opened_config(url), catalog)
        try:
            assert source.poll(None) is not None
            server.stop("immediate")
            with pytest.raises(TransientError) as down:
                source.poll(None)
            assert "database unavailable" in str(down.value)
            assert secret not in str(down.value)
            server.start()
            batch = source.poll(None)  # the pool is new: no broken connection is reused
            assert batch is not None
            assert _numbers(batch) == [case_number(1)]
        finally:
            source.close()
