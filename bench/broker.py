"""The Kafka a benchmark measures: a fresh local broker, or the cluster in HUB_KAFKA_BOOTSTRAP."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from hub.connection import KafkaConnection
from hub.localkafka import BrokerConfig, LocalBroker
from hub.localkafka.broker import free_port
from hub.localkafka.paths import default_cache, default_pom
from hub.localkafka.toolchain import ensure_jars

ROOT = Path(__file__).resolve().parents[1]
_LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}


@dataclass(frozen=True)
class BenchKafka:
    """A reachable cluster plus the folder of Kafka jars (for Kafka's own perf tools)."""

    connection: KafkaConnection
    jars: Path
    local: bool
    log: Path | None = None
    pid: int | None = None  # of the broker this run started

    @property
    def bootstrap(self) -> str:
        return self.connection.bootstrap_servers

    @property
    def kafka_version(self) -> str:
        """Version of the Kafka jars (the perf tools, and the broker when local)."""
        found = sorted(self.jars.glob("kafka-clients-*.jar"))
        return found[0].stem.removeprefix("kafka-clients-") if found else "unknown"

    def client_config(self) -> dict[str, Any]:
        """kafka-python keyword arguments for this cluster."""
        return {**self.connection.client_config(), "client_id": "hub-bench"}

    def java_properties(self) -> dict[str, str]:
        """Java client properties for this cluster (connection and security only)."""
        conn = self.connection
        props = {"bootstrap.servers": conn.bootstrap_servers}
        props["security.protocol"] = conn.security_protocol
        if conn.sasl_mechanism is not None and conn.sasl_password is not None:
            secret = conn.sasl_password.get_secret_value()
            props["sasl.mechanism"] = conn.sasl_mechanism
            props["sasl.jaas.config"] = (
                f"{_LOGIN_MODULES[conn.sasl_mechanism]} required "
                f'username="{conn.sasl_username}" password="{secret}";'
            )
        if conn.ssl_cafile is not None:
            props["ssl.truststore.type"] = "PEM"
            props["ssl.truststore.location"] = str(conn.ssl_cafile)
        return props

    def write_java_properties(self, path: Path) -> Path:
        """The Java client properties as a file readable by its owner only."""
        path.touch(mode=0o600, exist_ok=True)
        lines = [f"{key}={value}" for key, value in self.java_properties().items()]
        path.write_text("\n".join(lines) + "\n")
        return path

    def create_topic(self, name: str, partitions: int) -> str:
        """A new topic with the cluster's default replication factor."""
        admin = KafkaAdminClient(**self.client_config())
        try:
            admin.create_topics([NewTopic(name, partitions, -1)])
        finally:
            admin.close()
        return name

    def delete_topics(self, names: Iterable[str]) -> None:
        """Remove topics a benchmark created (best effort)."""
        names = list(names)
        if not names:
            return
        admin = KafkaAdminClient(**self.client_config())
        try:
            with contextlib.suppress(Exception):
                admin.delete_topics(names)
        finally:
            admin.close()


def _distinct_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


@contextmanager
def bench_kafka(home: Path, env: Mapping[str, str] = os.environ) -> Iterator[BenchKafka]:
    """Yield the cluster to measure; a broker started here is stopped on the way out."""
    cache, pom = default_cache(env, ROOT), default_pom(ROOT)
    jars = ensure_jars(cache, pom)
    external = KafkaConnection.from_env(env)
    if external is not None:
        yield BenchKafka(external, jars, local=False)
        return
    port, controller_port = _distinct_ports(2)
    cfg = BrokerConfig(home=home, port=port, controller_port=controller_port, heap="1g")
    broker = LocalBroker(cfg, cache=cache, pom=pom)
    try:
        status = broker.up(timeout=120)
        connection = KafkaConnection(bootstrap_servers=cfg.bootstrap)
        yield BenchKafka(connection, jars, local=True, log=cfg.log_file, pid=status.pid)
    finally:
        broker.down()
