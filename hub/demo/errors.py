"""What stops the demo before it runs: a message that says what to do."""


class DemoError(Exception):
    """The demo cannot start (no Kafka, no PostgreSQL, ...); the message says why and what to do."""
