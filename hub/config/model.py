"""The shape of ``hub.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.config.names import NAME_PATTERN
from hub.config.routes import RouteSpec
from hub.config.secrets import Secret
from hub.connection import KafkaConnection, SaslMechanism, SecurityProtocol


class KafkaSection(BaseModel):
    """Where Kafka is. Left out, ``HUB_KAFKA_*`` variables or the local broker apply."""

    model_config = ConfigDict(extra="forbid")

    bootstrap_servers: str | None = Field(None, examples=["kafka-1.kommun.local:9092"])
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: Secret | None = None
    ssl_cafile: Path | None = None
    topic_prefix: str = Field(
        "municipal", pattern=r"^[A-Za-z0-9._-]+$", description="Prefix of every hub topic."
    )

    def connection(self, fallback: KafkaConnection | None) -> KafkaConnection:
        if self.bootstrap_servers is None:
            if fallback is None:
                return KafkaConnection(bootstrap_servers="127.0.0.1:9092")
            return fallback
        return KafkaConnection(
            bootstrap_servers=self.bootstrap_servers,
            security_protocol=self.security_protocol,
            sasl_mechanism=self.sasl_mechanism,
            sasl_username=self.sasl_username,
            sasl_password=self.sasl_password,
            ssl_cafile=self.ssl_cafile,
        )


class ObservabilitySection(BaseModel):
    """The HTTP endpoint with ``/metrics``, ``/healthz`` and ``/readyz``."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(9400, ge=0, le=65535, description="0 picks a free port.")


class ConnectorSpec(BaseModel):
    """One connector instance: a unique name, a type, and the type's own config."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, description="Unique; used in metrics and topics.")
    type: str
    config: dict[str, Any] = Field(default_factory=dict)


class HubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kafka: KafkaSection = Field(default_factory=KafkaSection)
    observability: ObservabilitySection = Field(default_factory=ObservabilitySection)
    connectors: list[ConnectorSpec] = Field(default_factory=list)
    routes: list[RouteSpec] = Field(default_factory=list)

    @field_validator("connectors")
    @classmethod
    def _unique_names(cls, value: list[ConnectorSpec]) -> list[ConnectorSpec]:
        seen: set[str] = set()
        for spec in value:
            if spec.name in seen:
                raise ValueError(f"connector name {spec.name!r} is used twice")
            seen.add(spec.name)
        return value

    @model_validator(mode="after")
    def _routes_unique(self) -> HubConfig:
        # Connectors and routes share the dead-letter topic namespace.
        seen = {c.name for c in self.connectors}
        for route in self.routes:
            if route.name in seen:
                raise ValueError(
                    f"route name {route.name!r} is also used by another route or connector"
                )
            seen.add(route.name)
        return self
