"""Session-wide fixtures: one real Kafka broker for the whole test session (and one
PostgreSQL server, started by the first test that asks for ``postgres``).

* ``HUB_KAFKA_BOOTSTRAP`` set: the tests use that cluster (and start nothing).
* otherwise ``--kafka=local`` (default): the hub's own local broker (``hub kafka up``'s
  code) on free ports in a temporary folder, with SCRAM and TLS listeners for security tests.
* ``--kafka=docker``: testcontainers' Kafka container, for contributors with Docker.

A broker that cannot start fails the session: integration tests never skip.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.connection import KafkaConnection
from hub.events import Catalog
from hub.localkafka import BrokerConfig, LocalBroker, ScramUser
from hub.localkafka.broker import free_port
from hub.localkafka.paths import default_cache, default_pom
from hub.localpg import LocalPostgres
from tests.kafka_env import KafkaUnderTest
from tests.pg import own_postgres

ROOT = Path(__file__).resolve().parents[1]
SCRAM_USER = "hub-test"
SCRAM_PASSWORD = "hub-test-" + "secret"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kafka",
        choices=("local", "docker"),
        default="local",
        help="where the test broker comes from when HUB_KAFKA_BOOTSTRAP is not set",
    )


def _local_broker(home: Path, *, secured: bool) -> tuple[LocalBroker, KafkaUnderTest]:
    ports = [free_port() for _ in range(4)]
    cfg = BrokerConfig(
        home=home,
        port=ports[0],
        controller_port=ports[1],
        sasl_port=ports[2] if secured else None,
        tls_port=ports[3] if secured else None,
        users=(ScramUser(name=SCRAM_USER, password=SCRAM_PASSWORD),) if secured else (),  # type: ignore[arg-type]
        heap="1g",
    )
    broker = LocalBroker(cfg, cache=default_cache(os.environ, ROOT), pom=default_pom(ROOT))
    broker.up(timeout=120)
    plain = KafkaConnection(bootstrap_servers=cfg.bootstrap)
    scram = tls = None
    if secured:
        scram = KafkaConnection(
            bootstrap_servers=str(cfg.sasl_bootstrap),
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_username=SCRAM_USER,
            sasl_password=SCRAM_PASSWORD,  # type: ignore[arg-type]
        )
        tls = scram.model_copy(
            update={
                "bootstrap_servers": str(cfg.tls_bootstrap),
                "security_protocol": "SASL_SSL",
                "ssl_cafile": cfg.ca_pem,
            }
        )
    return broker, KafkaUnderTest(plain, scram=scram, tls=tls, kind="local", log=cfg.log_file)


@pytest.fixture(scope="session")
def kafka(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KafkaUnderTest]:
    """The session's broker."""
    external = KafkaConnection.from_env(os.environ)
    if external is not None:
        yield KafkaUnderTest(external, kind="external")
        return
    if request.config.getoption("--kafka") == "docker":
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield KafkaUnderTest(
                KafkaConnection(bootstrap_servers=container.get_bootstrap_server()),
                kind="docker",
            )
        return
    broker, under_test = _local_broker(tmp_path_factory.mktemp("kafka"), secured=True)
    try:
        yield under_test
    finally:
        broker.down()


@pytest.fixture(scope="session")
def secure_kafka(
    kafka: KafkaUnderTest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KafkaUnderTest]:
    """A broker with SCRAM and TLS listeners: the session's own, or a local one beside it."""
    if kafka.scram is not None:
        yield kafka
        return
    broker, under_test = _local_broker(tmp_path_factory.mktemp("kafka-secure"), secured=True)
    try:
        yield under_test
    finally:
        broker.down()


@pytest.fixture
def unique(request: pytest.FixtureRequest) -> str:
    """A name unique to this test run, for topics, groups and transactional ids."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name).strip("-")[:60]
    return f"{base}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The hub's event catalog (``schemas/``)."""
    return Catalog.load(ROOT / "schemas")


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """The session's PostgreSQL server (``tests.pg.create_database`` gives a test its own
    database on it)."""
    with own_postgres() as server:
        yield server
