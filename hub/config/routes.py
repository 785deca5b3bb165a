"""The ``routes:`` section of ``hub.yaml``: what a route reads, filters, reshapes, delivers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.config.names import NAME_PATTERN
from hub.config.secrets import Secret


class RouteInput(BaseModel):
    """What a route reads: the domains' topics, optionally only some event types."""

    model_config = ConfigDict(extra="forbid")

    domains: list[str] = Field(
        min_length=1, description="Event domains (topics) to read.", examples=[["permit"]]
    )
    types: list[str] = Field(
        default_factory=list,
        description="Event names to keep (empty: every event of the domains).",
        examples=[["PermitGranted", "PermitRefused"]],
    )


class PersonalData(BaseModel):
    """Fields the catalog marks as personal data are masked unless the route may receive them."""

    model_config = ConfigDict(extra="forbid")

    allow: bool = Field(False, description="The target may receive personal data in clear.")
    reason: str | None = Field(
        None,
        description="Why the target may receive personal data (legal basis, purpose). "
        "Required when allow is true; shown by `hub routes list`.",
        examples=["Case system of record for building permits (GDPR art. 6.1 e, PBL 9 kap.)"],
    )
    mode: Literal["mask", "pseudonymise"] = Field(
        "mask",
        description="mask: replace with '***'; pseudonymise: keyed HMAC-SHA256, stable per value.",
    )
    key: Secret | None = Field(None, description="HMAC key for pseudonymise.")

    @model_validator(mode="after")
    def _consistent(self) -> PersonalData:
        if self.allow and not (self.reason and self.reason.strip()):
            raise ValueError("personal_data.allow needs a reason")
        if self.mode == "pseudonymise" and self.key is None:
            raise ValueError("personal_data.mode pseudonymise needs a key")
        return self


class RouteRetry(BaseModel):
    """Retries of a failing delivery before the event goes to the dead-letter topic."""

    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(5, ge=1, description="Attempts per event, the first included.")
    initial: float = Field(0.5, gt=0, description="First wait in seconds.")
    max: float = Field(30.0, gt=0, description="Longest wait in seconds.")
    jitter: float = Field(0.5, ge=0, description="Random extra wait, up to this many seconds.")


class SinkSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="A sink connector type (`hub connectors list`).")
    config: dict[str, Any] = Field(default_factory=dict)


class RouteSpec(BaseModel):
    """One route: from which events, which ones, in what shape, to which target."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=NAME_PATTERN, description="Unique; names the consumer group.")
    input: RouteInput = Field(alias="from")
    filter: str | None = Field(
        None,
        description="Expression over the event; only matching events are delivered.",
        examples=['data.municipality.code == "2480" and type in ["PermitGranted"]'],
    )
    transform: dict[str, Any] | None = Field(
        None, description="Output fields: path, {const: v} or {template: '...{path}...'}."
    )
    personal_data: PersonalData = Field(default_factory=PersonalData)
    sink: SinkSpec
    retry: RouteRetry = Field(default_factory=RouteRetry)
    parallelism: int = Field(
        4,
        ge=1,
        le=64,
        description="Partitions delivered at the same time (each partition stays in order).",
    )
    process_in_worker: bool = Field(
        True,
        description=(
            "Kafka sinks: decode, filter, transform and encode in a second process beside "
            "the one that consumes and publishes (faster where there is a second core; "
            "about 40 MiB more memory). Other sinks ignore it."
        ),
    )
