"""Dotted paths into a payload."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.sdk.payload import MissingField, check_path, lookup

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)


@given(st.lists(names, min_size=1, max_size=5), st.integers() | st.text() | st.none())
def test_a_nested_value_is_found_by_its_path(keys: list[str], value: Any) -> None:
    payload: Any = value
    for key in reversed(keys):
        payload = {key: payload}
    path = check_path(".".join(keys))
    assert lookup(payload, path) == value


def test_a_number_steps_into_a_list() -> None:
    assert lookup({"applicants": [{"name": "A"}, {"name": "B"}]}, "applicants.1.name") == "B"


@pytest.mark.parametrize(
    ("path", "missing"),
    [("a.c", "a.c"), ("a.b.c", "a.b.c"), ("l.2", "l.2"), ("s.0", "s.0"), ("x", "x")],
)
def test_a_missing_field_names_the_first_segment_not_found(path: str, missing: str) -> None:
    with pytest.raises(MissingField) as err:
        lookup({"a": {"b": 1}, "l": [1, 2], "s": "text"}, path)
    assert err.value.missing == missing


@pytest.mark.parametrize("path", ["", "a..b", ".a", "a.", "a[0]", "a.__class__()", "0.a", "a b"])
def test_only_names_and_numbers_make_a_path(path: str) -> None:
    with pytest.raises(ValueError, match="not a field path"):
        check_path(path)
