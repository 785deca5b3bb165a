"""A transaction's sends, checked once it commits.

kafka-python (3.0) can return from ``commit_transaction()`` although records of the
transaction failed. When a produce request is refused with INVALID_PRODUCER_EPOCH (the
coordinator aborted the transaction because another producer with the same transactional
id started), the client bumps its own epoch and then finishes the commit without sending
EndTxn: the records are gone, yet the call succeeds. Every send of a transaction is
therefore watched, and a transaction with a failed send counts as failed, whatever
``commit_transaction()`` said. The caller then treats it as any other Kafka failure:
the consumed offsets or the source position are read back from Kafka, never assumed.
"""

from __future__ import annotations

from typing import Any

from kafka.errors import KafkaError


class SendFailed(KafkaError):  # type: ignore[misc]  # kafka-python is untyped
    """Records of a transaction failed; the transaction must not count as committed."""

    retriable = True


class TransactionSends:
    """Collects the failures of one transaction's sends (``watch`` each send's future)."""

    __slots__ = ("_errback", "failures")

    def __init__(self) -> None:
        self.failures: list[BaseException] = []
        self._errback = self.failures.append

    def watch(self, future: Any) -> None:
        future.add_errback(self._errback)

    def check(self) -> None:
        """Raise :class:`SendFailed` when any watched send failed."""
        if self.failures:
            first = self.failures[0]
            raise SendFailed(
                f"{len(self.failures)} record(s) of the transaction failed "
                f"({type(first).__name__}: {first}); it did not commit them"
            )
