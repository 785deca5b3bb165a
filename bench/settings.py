"""Producer settings shared by Kafka's Java perf tool and kafka-python, spelled for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProducerSettings:
    """One set of producer settings; the defaults are the Java client's (Kafka 4.x) own."""

    acks: str = "all"
    idempotence: bool = True
    linger_ms: int = 5
    batch_size: int = 16384
    max_in_flight: int = 5

    def java(self) -> dict[str, str]:
        return {
            "acks": self.acks,
            "enable.idempotence": str(self.idempotence).lower(),
            "linger.ms": str(self.linger_ms),
            "batch.size": str(self.batch_size),
            "max.in.flight.requests.per.connection": str(self.max_in_flight),
            "compression.type": "none",
        }

    def python(self) -> dict[str, Any]:
        return {
            "acks": self.acks,
            "enable_idempotence": self.idempotence,
            "linger_ms": self.linger_ms,
            "batch_size": self.batch_size,
            "max_in_flight_requests_per_connection": self.max_in_flight,
            "compression_type": None,
        }

    def describe(self) -> str:
        return ", ".join(f"`{key}={value}`" for key, value in self.java().items())
