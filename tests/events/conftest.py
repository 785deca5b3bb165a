"""Fixtures of the event tests: the real catalog, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.events import Catalog, Decoder, Encoder

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "schemas"
FIXTURES = Path(__file__).resolve().parent / "catalogs"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load(CATALOG)


@pytest.fixture(scope="session")
def encoder(catalog: Catalog) -> Encoder:
    return Encoder(catalog)


@pytest.fixture(scope="session")
def decoder(catalog: Catalog) -> Decoder:
    return Decoder(catalog)
