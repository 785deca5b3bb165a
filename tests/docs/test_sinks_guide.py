"""docs/sinks.md: every sink configuration it shows is one the sink accepts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.email_sink.connector import connector as email
from connectors.http_sink.connector import connector as http
from connectors.kafka_sink.connector import connector as kafka
from connectors.sql_upsert.connector import connector as sql_upsert

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "sinks.md"
TYPES = {c.name: c for c in (http, sql_upsert, email, kafka)}
ENV = {
    "ARCHIVE_API_TOKEN": "token",
    "BYGGLOV_DB_URL": "postgresql+psycopg://bygglov:secret@db.umea.se:5432/bygglov",
    "SMTP_PASSWORD": "secret",
}


def routes() -> list[dict[str, Any]]:
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    return [route for block in blocks for route in yaml.safe_load(block)["routes"]]


def test_the_guide_shows_each_bundled_sink() -> None:
    assert sorted(r["sink"]["type"] for r in routes()) == sorted(TYPES)


@pytest.mark.parametrize("route", routes(), ids=lambda r: r["name"])
def test_each_example_configuration_is_valid(route: dict[str, Any]) -> None:
    ctype = TYPES[route["sink"]["type"]]
    ctype.config_model.model_validate(route["sink"]["config"], context={"env": ENV})
