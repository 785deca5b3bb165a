"""A batch's rows read where the encoding worker reads them: another process, with the
database's driver alone."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from connectors.sql_poll.rows import RowEvents
from connectors.sql_poll.source import SqlPollSource
from hub.events import Catalog
from hub.sdk import SourceContext
from tests.connectors.sql_poll.legacy import (
    ARENDE,
    case_number,
    case_opened_config,
    case_row,
    create,
    insert_cases,
)

_WORKER = """
import pickle, sys
events = pickle.loads(sys.stdin.buffer.read())
numbers = sorted(e.data["caseNumber"] for e in events)
print(len(numbers), numbers[0], numbers[-1], "sqlalchemy" in sys.modules, sep="|")
"""


def test_a_batch_is_read_in_another_process_without_sqlalchemy(
    catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    insert_cases(db, (case_row(n) for n in range(1, 13)))
    source = SqlPollSource(case_opened_config(db_url, batch_size=5, encode_in_worker=True))
    source.open(SourceContext("diarium", catalog=catalog))
    try:
        first = source.poll(None)
        assert first is not None
        second = source.poll(first.position)
    finally:
        source.close()
    assert second is not None
    assert second.position == {"id": 10}
    assert isinstance(second.events, RowEvents)
    worker = subprocess.run(
        [sys.executable, "-c", _WORKER],
        input=pickle.dumps(second.events),
        capture_output=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert worker.stdout.decode().strip().split("|") == [
        "5",
        case_number(6),
        case_number(10),
        "False",
    ]
