"""A real PostgreSQL for tests: the hub's own throw-away cluster (``hub.localpg``).

The session's server is the ``postgres`` fixture in ``tests/conftest.py``; a test that
stops and restarts a server runs one of its own with :func:`own_postgres`.

The cluster's folder is made with :func:`tempfile.mkdtemp`, not pytest's ``tmp_path``:
when running as root the server runs as ``postgres``, which must traverse the folder's
parents, and pytest sets its ``/tmp/pytest-of-<user>`` back to 0700 at every start (a
second pytest run at the same time would lock the server out of its data).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from hub.localpg import LocalPostgres


@contextmanager
def own_postgres() -> Iterator[LocalPostgres]:
    """A running server in a new temporary folder, stopped and removed afterwards.

    A server that cannot start fails the test: it never skips.
    """
    folder = Path(tempfile.mkdtemp(prefix="hub-test-pg-"))
    server = LocalPostgres(folder)
    try:
        yield server.start()
    finally:
        server.stop("fast")
        shutil.rmtree(folder, ignore_errors=True)


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
