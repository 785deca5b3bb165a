"""Configuration of the ``webhook`` source."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from hub.config import Secret

MIN_SECRET_LENGTH = 32


class WebhookConfig(BaseModel):
    """An HTTP endpoint where the e-services portal posts events as CloudEvents JSON.

    Each request is signed with HMAC-SHA256 over its timestamp and body; a valid event
    is answered 202 only once Kafka has acknowledged it. Stateless: run as many copies
    behind a load balancer as the load needs (each keeps its own replay cache).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(
        "127.0.0.1",
        description="Address to listen on; 0.0.0.0 for every interface.",
        examples=["0.0.0.0"],  # noqa: S104 - an example, not a default
    )
    port: int = Field(
        8080, ge=0, le=65535, description="Port to listen on; 0 picks a free one.", examples=[8080]
    )
    path: str = Field(
        "/events",
        pattern=r"^/[A-Za-z0-9._~/-]*$",
        description="URL path that accepts POSTed events.",
        examples=["/eservice/events"],
    )
    secret: Secret = Field(
        description="Shared HMAC-SHA256 key, at least 32 characters (e.g. `openssl rand -hex 32`).",
        examples=[{"env": "HUB_WEBHOOK_SECRET"}],
    )
    previous_secret: Secret | None = Field(
        None,
        description="The key being rotated out: signatures made with it are still "
        "accepted until it is removed.",
        examples=[{"file": "/run/secrets/webhook-previous"}],
    )
    max_body_bytes: int = Field(
        1_048_576,
        gt=0,
        description="Largest request body accepted; larger ones are refused with 413.",
        examples=[262_144],
    )
    tolerance_seconds: int = Field(
        300,
        gt=0,
        description="How far X-Hub-Timestamp may be from this server's clock, either way; "
        "also how long a signature and an event id are remembered against replays.",
        examples=[300],
    )
    retry_after_seconds: int = Field(
        5,
        ge=0,
        description="Retry-After of a 503 answer when Kafka does not acknowledge.",
        examples=[10],
    )
    event_types: list[str] | None = Field(
        None,
        description="CloudEvents types this endpoint accepts (catalog types such as "
        "se.kommun.hub.eservice.ApplicationSubmitted.v1); unset: every catalog type.",
        examples=[
            [
                "se.kommun.hub.eservice.ApplicationSubmitted.v1",
                "se.kommun.hub.eservice.ResidentNotificationRequested.v1",
            ]
        ],
    )
    municipality_code: str | None = Field(
        None,
        pattern=r"^\d{4}$",
        description="When set, events whose data names another municipality "
        "(municipality.code) are refused with 422.",
        examples=["2480"],
    )

    @field_validator("secret", "previous_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"the secret must be at least {MIN_SECRET_LENGTH} characters; "
                "generate one with `openssl rand -hex 32`"
            )
        return value

    def keys(self) -> list[bytes]:
        """The HMAC keys accepted, current first."""
        secrets = [self.secret, self.previous_secret]
        return [s.get_secret_value().encode() for s in secrets if s is not None]
