"""A local, single-node Apache Kafka broker (KRaft) for development, tests and the demo.

Production deployments point the hub at their own cluster with ``HUB_KAFKA_BOOTSTRAP``;
nothing here runs then.
"""

from hub.localkafka.broker import BrokerStatus, LocalBroker
from hub.localkafka.config import BrokerConfig, ScramUser
from hub.localkafka.errors import LocalKafkaError

__all__ = ["BrokerConfig", "BrokerStatus", "LocalBroker", "LocalKafkaError", "ScramUser"]
