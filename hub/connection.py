"""How the hub reaches Kafka: bootstrap servers and security, validated once.

Operators with their own cluster set ``HUB_KAFKA_BOOTSTRAP`` (and, as needed,
``HUB_KAFKA_SECURITY_PROTOCOL``, ``HUB_KAFKA_SASL_MECHANISM``, ``HUB_KAFKA_SASL_USERNAME``,
``HUB_KAFKA_SASL_PASSWORD``, ``HUB_KAFKA_SSL_CAFILE``); the hub then never starts a broker.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]

ENV_PREFIX = "HUB_KAFKA_"


class KafkaConnection(BaseModel):
    """Connection settings shared by every producer, consumer and admin client of the hub."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str = Field(
        description="Comma-separated host:port list.", examples=["kafka-1.kommun.local:9092"]
    )
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = Field(None, description="PEM file of the CA to trust.")
    client_id: str = "municipal-event-hub"

    @model_validator(mode="after")
    def _sasl_complete(self) -> KafkaConnection:
        if self.security_protocol.startswith("SASL_"):
            missing = [
                name
                for name in ("sasl_mechanism", "sasl_username", "sasl_password")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(
                    f"security_protocol {self.security_protocol} needs {', '.join(missing)}"
                )
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaConnection | None:
        """Settings from ``HUB_KAFKA_*`` variables, or None when no bootstrap is set."""
        bootstrap = env.get(f"{ENV_PREFIX}BOOTSTRAP", "").strip()
        if not bootstrap:
            return None
        values: dict[str, Any] = {"bootstrap_servers": bootstrap}
        for field in (
            "security_protocol",
            "sasl_mechanism",
            "sasl_username",
            "sasl_password",
            "ssl_cafile",
            "client_id",
        ):
            value = env.get(f"{ENV_PREFIX}{field.upper()}")
            if value:
                values[field] = value
        return cls(**values)

    def client_config(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's clients."""
        config: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "security_protocol": self.security_protocol,
            "client_id": self.client_id,
        }
        if self.sasl_mechanism is not None:
            config["sasl_mechanism"] = self.sasl_mechanism
            config["sasl_plain_username"] = self.sasl_username
            if self.sasl_password is not None:
                config["sasl_plain_password"] = self.sasl_password.get_secret_value()
        if self.ssl_cafile is not None:
            config["ssl_cafile"] = str(self.ssl_cafile)
        return config
