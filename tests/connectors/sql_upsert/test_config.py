"""The sql-upsert sink's configuration (no database needed)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from connectors.sql_upsert.config import SqlUpsertConfig
from connectors.sql_upsert.connector import connector
from hub.sdk.describe import field_docs

BASE: dict[str, Any] = {
    "url": "postgresql+psycopg://hub:pw@127.0.0.1:5432/bygglov",
    "table": "bygglov.permits",
    "columns": {"permit_id": "permitId", "city": "site.city"},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "mysql://hub:pw@db/bygglov"}, "PostgreSQL or SQLite, not mysql"),
        ({"url": "not a url"}, "not a SQLAlchemy URL"),
        ({"table": "permits; DROP TABLE x"}, "not a table name"),
        ({"columns": {"permit id": "permitId"}}, "not a column name"),
        ({"columns": {"permit_id": "site..city"}}, "not a field path"),
        ({"columns": {}}, "at least 1 item"),
        ({"columns": {"event_id": "id"}}, "is the key column"),
        ({"on_conflict": "case_number"}, "on_conflict column case_number is not in columns"),
        ({"version_column": "city"}, "version_column needs on_conflict"),
        ({"on_conflict": "permit_id", "version_column": "x"}, "version_column x is not in"),
        ({"batch": 10}, "Extra inputs are not permitted"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SqlUpsertConfig.model_validate({**BASE, **change})


def test_the_url_is_a_secret_that_never_prints() -> None:
    config = SqlUpsertConfig.model_validate(
        {**BASE, "url": {"env": "DB_URL"}}, context={"env": {"DB_URL": BASE["url"]}}
    )
    assert config.sqlalchemy_url().password == "pw"
    assert "pw@" not in repr(config)


def test_one_conflict_column_may_be_given_alone() -> None:
    config = SqlUpsertConfig.model_validate({**BASE, "on_conflict": "permit_id"})
    assert config.conflict_columns == ["permit_id"]
    assert SqlUpsertConfig.model_validate(BASE).conflict_columns == ["event_id"]


def test_every_field_is_described_with_an_example() -> None:
    assert connector.kind == "sink"
    for doc in field_docs(connector.config_model):
        assert "Example:" in doc.description, doc.path
