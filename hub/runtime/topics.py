"""Names of the hub's own topics, and creating topics that do not exist yet."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from hub.connection import KafkaConnection
from hub.events import Catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 3
    configs: dict[str, str] = field(default_factory=dict)


def positions_topic(prefix: str) -> str:
    """Compacted topic holding every positioned source's last committed position."""
    return f"_{prefix}.source-positions"


def deadletter_topic(prefix: str, name: str) -> str:
    """Dead letters of the connector or route ``name``."""
    return f"{prefix}.deadletter.{name}"


def event_topics(catalog: Catalog, prefix: str) -> list[str]:
    """One topic per domain: ``<prefix>.<domain>``."""
    return sorted({schema.topic(prefix) for schema in catalog})


def ensure_topics(conn: KafkaConnection, specs: Iterable[TopicSpec]) -> None:
    """Create each topic that does not exist (existing ones are left as they are)."""
    wanted = {s.name: s for s in specs}
    if not wanted:
        return
    admin = KafkaAdminClient(**conn.client_config())
    try:
        existing = set(admin.list_topics())
        missing = [s for name, s in wanted.items() if name not in existing]
        for spec in missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [
                        NewTopic(
                            spec.name,
                            spec.partitions,
                            _replication(admin),
                            topic_configs=spec.configs,
                        )
                    ]
                )
                log.info("created topic %s (%d partitions)", spec.name, spec.partitions)
    finally:
        admin.close()


def _replication(admin: KafkaAdminClient) -> int:
    brokers = admin.describe_cluster().get("brokers", [])
    return min(3, max(1, len(brokers)))
