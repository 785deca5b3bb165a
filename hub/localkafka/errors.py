"""Errors of the local broker, each naming what to do about it."""

from __future__ import annotations


class LocalKafkaError(Exception):
    """A problem running the local broker; ``fix`` tells the operator what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message}\n  fix: {fix}")
        self.message = message
        self.fix = fix


class JavaMissing(LocalKafkaError):
    """No Java runtime, or one older than Kafka needs."""


class MavenMissing(LocalKafkaError):
    """Maven is not installed, so the broker jars cannot be fetched."""


class JarFetchFailed(LocalKafkaError):
    """Maven ran but could not fetch the jars (typically Maven Central unreachable)."""


class PortInUse(LocalKafkaError):
    """A port the broker needs is taken by another process."""


class BrokerStartFailed(LocalKafkaError):
    """The broker process exited or never answered metadata requests."""
