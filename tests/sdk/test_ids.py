"""Deterministic event ids are exactly ``uuid.uuid5`` of their namespace and name."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from hub.sdk import NameIds


@given(st.uuids(), st.text())
def test_name_ids_equal_uuid5(namespace: uuid.UUID, name: str) -> None:
    ids = NameIds(namespace)
    assert ids(name) == str(uuid.uuid5(namespace, name))
    assert ids(name) == ids(name)  # the namespace's hash is reused, not consumed


def test_name_ids_are_version_5_rfc_4122() -> None:
    made = uuid.UUID(NameIds(uuid.NAMESPACE_URL)("https://example.org/"))
    assert made.version == 5
    assert made.variant == uuid.RFC_4122
