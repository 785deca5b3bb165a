"""What the tests know of the broker they run against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from hub.connection import KafkaConnection


@dataclass(frozen=True)
class KafkaUnderTest:
    connection: KafkaConnection
    scram: KafkaConnection | None = None
    tls: KafkaConnection | None = None
    kind: str = "local"
    log: Path | None = None

    @property
    def bootstrap(self) -> str:
        return self.connection.bootstrap_servers

    def config(self, **extra: Any) -> dict[str, Any]:
        return {**self.connection.client_config(), **extra}

    def create_topic(self, name: str, partitions: int = 3) -> str:
        admin = KafkaAdminClient(**self.config())
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()
        return name
