"""The connector guide's code runs as written: docs/connectors.md stays true."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.events import Catalog
from hub.runtime.server import ThreadedServer
from hub.testing import run_source
from tests.kafka_env import KafkaUnderTest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"

DOCUMENTS = [
    {
        "id": i,
        "case": f"BN 2026-{i % 2:06d}",
        "number": i,
        "type": "Ansökan",
        "registered": f"2026-11-0{i}T10:00:00+01:00",
        "date": f"2026-11-0{i}",
        "status": "RECEIVED",
        "secrecy": "PUBLIC",
        "title": f"Handling {i}",
    }
    for i in range(1, 6)
]


def _guide_module() -> types.ModuleType:
    block = re.search(r"## A complete source.*?```python\n(.*?)```", GUIDE.read_text(), re.S)
    assert block is not None, "the guide lost its example"
    code = block.group(1)
    assert len(code.strip().splitlines()) < 60, "the guide promises under 60 lines"
    module = types.ModuleType("guide_connector")
    exec(compile(code, str(GUIDE), "exec"), module.__dict__)
    return module


@pytest.fixture
def archive_api() -> Iterator[ThreadedServer]:
    """A real HTTP server playing the e-archive: pages of two documents after ``after``."""

    async def documents(request: Request) -> JSONResponse:
        after = int(request.query_params.get("after", 0))
        return JSONResponse([d for d in DOCUMENTS if d["id"] > after][:2])

    server = ThreadedServer(Starlette(routes=[Route("/documents", documents)]), "127.0.0.1", 0)
    server.start()
    yield server
    server.stop()


@pytest.mark.integration
def test_the_guides_connector_publishes_the_archives_documents(
    kafka: KafkaUnderTest, catalog: Catalog, archive_api: ThreadedServer
) -> None:
    guide = _guide_module()
    config = guide.ArchiveConfig(
        url=archive_api.url, municipality_code="2480", organisation_number="212000-2627"
    )
    published = run_source(guide.connector, config, kafka=kafka.connection, catalog=catalog)
    numbers = sorted(e.data["documentNumber"] for e in published.events)
    assert numbers == [1, 2, 3, 4, 5]
    assert {e.subject for e in published.events} == {"BN 2026-000000", "BN 2026-000001"}
    assert published.dead_letters == []
