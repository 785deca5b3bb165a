"""The ``kafka`` sink connector type."""

from __future__ import annotations

from connectors.kafka_sink.sink import KafkaSinkConfig, TopicSink
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="kafka",
    kind="sink",
    summary="Publish routed or derived events to a Kafka topic (exactly once)",
    config_model=KafkaSinkConfig,
    factory=TopicSink,
)
