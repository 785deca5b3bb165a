"""Deterministic event ids: the same input always gets the same id, so a source that
publishes a row or a payment again (after a crash, from another replica) gives it the id
consumers already know and can deduplicate by."""

from __future__ import annotations

import hashlib
import uuid

__all__ = ["NameIds"]

# The RFC 4122 variant bits (10xx) over the hex digit that holds them.
_VARIANT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}


class NameIds:
    """Name-based ids in one namespace: ``ids(name) == str(uuid.uuid5(namespace, name))``.

    About twice as fast as ``uuid.uuid5``, which matters once per event of a large batch:
    the namespace is hashed once, and the text is formatted without a ``UUID`` object.
    """

    __slots__ = ("_namespace", "namespace")

    def __init__(self, namespace: uuid.UUID) -> None:
        self.namespace = namespace
        self._namespace = hashlib.sha1(namespace.bytes, usedforsecurity=False)

    def __call__(self, name: str) -> str:
        digest = self._namespace.copy()
        digest.update(name.encode())
        h = digest.hexdigest()
        # SHA-1's first 16 bytes with version 5 and the RFC 4122 variant set, as uuid5 does.
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"
