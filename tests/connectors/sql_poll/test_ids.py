"""Event ids derived from rows: the same name always gives the same RFC 4122 version-5 UUID."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from connectors.sql_poll.rows import _IDS, name_uuid


@given(st.text())
def test_row_event_ids_are_uuid5_of_their_name(name: str) -> None:
    assert name_uuid(name) == str(uuid.uuid5(_IDS, name))
