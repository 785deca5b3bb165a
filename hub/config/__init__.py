"""``hub.yaml``: the Kafka connection, connector instances and routes, validated once."""

from hub.config.loader import ConfigError, LoadedConfig, ResolvedConnector, load_config
from hub.config.model import ConnectorSpec, HubConfig, KafkaSection
from hub.config.secrets import Secret

__all__ = [
    "ConfigError",
    "ConnectorSpec",
    "HubConfig",
    "KafkaSection",
    "LoadedConfig",
    "ResolvedConnector",
    "Secret",
    "load_config",
]
