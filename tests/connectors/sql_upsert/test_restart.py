"""The sql-upsert sink while its database goes away and comes back (a server of its own)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from connectors.sql_upsert.config import SqlUpsertConfig
from connectors.sql_upsert.sink import SqlUpsertSink
from hub.sdk import TransientError
from tests.connectors.deliveries import context, delivery
from tests.pg import own_postgres


def test_a_stopped_database_is_retried_and_the_sink_recovers_after_a_restart() -> None:
    with own_postgres() as server:
        engine = sa.create_engine(server.url())
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE log (event_id text PRIMARY KEY, status text)")
        engine.dispose()
        sink = SqlUpsertSink(
            SqlUpsertConfig.model_validate(
                {"url": server.url(), "table": "log", "columns": {"status": "status"}}
            )
        )
        sink.open(context())
        before, during = delivery({"status": "RECEIVED"}), delivery({"status": "GRANTED"})
        sink.deliver(before)

        server.stop()
        with pytest.raises(TransientError, match="table log: connection failed"):
            sink.deliver(during)
        server.start()
        sink.deliver(during)
        sink.deliver(during)
        sink.close()

        engine = sa.create_engine(server.url())
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT event_id, status FROM log ORDER BY status"))
            assert [tuple(r) for r in stored] == [(during.id, "GRANTED"), (before.id, "RECEIVED")]
        engine.dispose()
