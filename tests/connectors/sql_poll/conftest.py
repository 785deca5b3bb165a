"""A real PostgreSQL server for the sql-poll tests: one per session, a fresh database per test.

The server is the hub's own throw-away cluster (``hub.localpg``), stopped and removed at
the end of the session. Its folder comes from :func:`tempfile.mkdtemp` rather than pytest's
``tmp_path``: as root the server runs as ``postgres``, which must traverse the folder's
parents, and pytest resets ``/tmp/pytest-of-<user>`` to 0700 whenever a run starts. A
server that cannot start fails the tests that need it: they never skip.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.localpg import LocalPostgres


@contextmanager
def running_postgres(password: str = "hub") -> Iterator[LocalPostgres]:
    """A server of its own in a new temporary folder, stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hub-sql-poll-pg-"))
    server = LocalPostgres(folder, password=password)
    try:
        yield server.start()
    finally:
        server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    with running_postgres() as server:
        yield server


def create_database(server: LocalPostgres) -> str:
    """A new, empty database on ``server``; returns its SQLAlchemy URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server.url(name)


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
