"""docs/sql-poll.md: its configuration examples load and open against the catalog, and its
reference table names exactly the fields of the config model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.source import SqlPollSource
from hub.config import load_config
from hub.events import Catalog
from hub.sdk import Registry, SourceContext
from hub.sdk.describe import field_docs

DOC = Path(__file__).resolve().parents[3] / "docs" / "sql-poll.md"
URL = "postgresql+psycopg://hub:pw@db.kommun.local/diarium"


def _examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("index", range(len(_examples())))
def test_each_example_loads_and_fits_the_catalog(
    index: int, tmp_path: Path, catalog: Catalog
) -> None:
    secret = tmp_path / "db-url"
    secret.write_text(URL + "\n")
    text = _examples()[index].replace("/run/secrets/bygglov-db-url", str(secret))
    file = tmp_path / "hub.yaml"
    file.write_text(text, encoding="utf-8")
    loaded = load_config(file, Registry.discover(), {"DIARIUM_DB_URL": URL})
    for resolved in loaded.connectors:
        assert isinstance(resolved.config, SqlPollConfig)
        assert resolved.config.url.get_secret_value() == URL
        source = SqlPollSource(resolved.config)
        source.open(SourceContext(resolved.spec.name, catalog=catalog))
        source.close()


def test_the_reference_table_lists_every_field() -> None:
    text = DOC.read_text(encoding="utf-8").split("## Configuration reference", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", text, re.MULTILINE))
    fields = {doc.path for doc in field_docs(SqlPollConfig)} - {"mapping", "outbox"}
    assert documented == fields
