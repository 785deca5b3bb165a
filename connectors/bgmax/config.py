"""Configuration of the ``bgmax`` source."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class BgMaxConfig(BaseModel):
    """Watches an inbox folder for Bankgirot BgMax files (incoming payments).

    Each file becomes one PaymentReceived event per payment or deduction record,
    published in one transaction; the file then moves to ``processed/``. A malformed
    or inconsistent file moves to ``rejected/`` with a reason file, and nothing of it
    is published.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    inbox: Path = Field(
        description="Folder the bank's files arrive in.", examples=["/srv/bgmax/in"]
    )
    processed: Path | None = Field(
        None, description="Where published files go (default: inbox/processed)."
    )
    rejected: Path | None = Field(None, description="Where bad files go (default: inbox/rejected).")
    pattern: str = Field("*", description="Glob for file names in the inbox.", examples=["*.bgmax"])
    municipality_code: str = Field(
        pattern=r"^\d{4}$", description="Four-digit municipality code.", examples=["2480"]
    )
    organisation_number: str = Field(
        pattern=r"^\d{6}-\d{4}$",
        description="The municipality's organisation number.",
        examples=["212000-2627"],
    )
    system: str = Field("bankgirot", description="Source system name in the event's source URI.")
    poll_interval: float = Field(2.0, gt=0, description="Seconds between looks at the inbox.")
    settle_seconds: float = Field(
        1.0, ge=0, description="A file must be unchanged this long before it is read."
    )
    history: int = Field(10_000, gt=0, description="How many done files' digests to remember.")
    encode_in_worker: bool = Field(
        True,
        description=(
            "Read, check and encode each file's payments in a second process while this one "
            "sends them to Kafka: about twice the throughput on two or more cores, for the "
            "memory of a second Python process."
        ),
    )
