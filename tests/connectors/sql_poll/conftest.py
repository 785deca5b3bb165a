"""Per-test databases for the sql-poll tests, on the session's PostgreSQL server
(the ``postgres`` fixture of ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from hub.localpg import LocalPostgres
from tests.pg import create_database


@pytest.fixture
def db_url(postgres: LocalPostgres) -> str:
    """The URL of an empty database of this test's own."""
    return create_database(postgres)


@pytest.fixture
def db(db_url: str) -> Iterator[sa.Engine]:
    """An engine on this test's database, for setting up and changing rows."""
    engine = sa.create_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
