"""A database of each test's own on the session's PostgreSQL, with the permit tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from hub.localpg import LocalPostgres
from tests.pg import create_database

TABLES = """
CREATE TABLE permit_events (
    event_id    uuid PRIMARY KEY,
    permit_id   varchar(20) NOT NULL,
    decision    text CHECK (decision IN ('GRANTED', 'REFUSED')),
    fee         integer,
    city        text,
    details     jsonb
);
CREATE TABLE permits (
    permit_id   varchar(20) PRIMARY KEY,
    event_id    text NOT NULL,
    status      text NOT NULL,
    changed_at  timestamptz
);
CREATE TABLE no_unique (event_id text, status text);
"""


@pytest.fixture
def db_url(postgres: LocalPostgres) -> str:
    url = create_database(postgres)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(TABLES)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
