"""CloudEvents times as header values: formatting and parsing."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hub.events.headers import format_time, parse_time, time_formatter

ZONES = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-9, minutes=-30))]
)
MOMENTS = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(9998, 12, 31)),
    ZONES,
)


@given(st.lists(MOMENTS, min_size=1, max_size=20))
def test_the_formatter_writes_what_format_time_writes(moments: list[dt.datetime]) -> None:
    formatter = time_formatter()
    for moment in moments:
        assert formatter(moment) == format_time(moment)


@given(MOMENTS, st.lists(st.integers(-2_000_000, 2_000_000), max_size=20))
def test_the_formatter_within_and_across_seconds(start: dt.datetime, steps: list[int]) -> None:
    """Calls close in time share the formatted second; crossing a second does not keep it."""
    formatter = time_formatter()
    moment = start
    for step in steps:
        moment += dt.timedelta(microseconds=step)
        written = formatter(moment)
        assert written == format_time(moment)
        assert parse_time("ce_time", written) == moment


def test_the_format() -> None:
    moment = dt.datetime(2026, 3, 2, 9, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert time_formatter()(moment) == b"2026-03-02T08:30:00.000005Z"


def test_the_first_and_last_seconds_a_datetime_holds() -> None:
    formatter = time_formatter()
    for moment in (
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime.max.replace(microsecond=0, tzinfo=dt.UTC),
        dt.datetime.min.replace(tzinfo=dt.UTC),
        dt.datetime.max.replace(microsecond=1, tzinfo=dt.UTC),
    ):
        assert formatter(moment) == format_time(moment)
