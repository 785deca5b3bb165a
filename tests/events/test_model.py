"""The event envelope: what a valid event is."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import pytest

from hub.events import Event, InvalidEvent, source_uri

TYPE = "se.kommun.hub.registry.CaseClosed.v1"


def make(**changes: Any) -> Event:
    attributes: dict[str, Any] = {"type": TYPE, "source": "/kommun/2480/diarium", "data": {}}
    return Event(**(attributes | changes))


def test_defaults_are_a_uuid_and_now() -> None:
    before = dt.datetime.now(dt.UTC)
    event = make()
    assert len(event.id) == 36
    assert event.id.count("-") == 4
    assert before <= event.time <= dt.datetime.now(dt.UTC)
    assert make().id != event.id


def test_events_are_immutable() -> None:
    event = make()
    with pytest.raises(AttributeError):
        event.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "attribute"),
    [
        ({"type": ""}, "type"),
        ({"source": ""}, "source"),
        ({"id": ""}, "id"),
        ({"time": dt.datetime(2026, 3, 2, 9, 30)}, "time"),
        ({"subject": ""}, "subject"),
        ({"traceparent": "00-abc-def-01"}, "traceparent"),
        ({"traceparent": "00-" + "0" * 32 + "-b7ad6b7169203331-01"}, "traceparent"),
        ({"extensions": {"Bad": "x"}}, "Bad"),
        ({"extensions": {"subject": "x"}}, "subject"),
        ({"extensions": {"x" * 21: "x"}}, "x" * 21),
        ({"extensions": {"ok": 1}}, "ok"),
    ],
)
def test_invalid_attributes_are_refused(changes: dict[str, Any], attribute: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        make(**changes)
    assert caught.value.attribute == attribute


def test_source_uri_names_municipality_and_system() -> None:
    assert source_uri("2480", "bygglov") == "/kommun/2480/bygglov"
    with pytest.raises(InvalidEvent):
        source_uri("248", "bygglov")
    with pytest.raises(InvalidEvent):
        source_uri("2480", "Bygg Lov")


def test_events_pickle_as_themselves() -> None:
    # worker processes get events by pickle
    for event in (make(), make(extensions={"tenant": "umea"}), make(subject="BN 2026-000001")):
        copy = pickle.loads(pickle.dumps(event))
        assert copy == event
        assert type(copy) is Event
    assert pickle.loads(pickle.dumps(make())).extensions is make().extensions


def test_an_event_without_extensions_has_an_empty_unchangeable_mapping() -> None:
    extensions = make().extensions
    assert extensions == {}
    assert not extensions
    assert list(extensions) == []
    with pytest.raises(KeyError):
        extensions["tenant"]
    with pytest.raises(TypeError):
        extensions["tenant"] = "umea"  # type: ignore[index]


def test_replace_checks_the_changed_event() -> None:
    event = make(subject="BN 2026-000001")
    changed = event.replace(id="other")
    assert (changed.id, changed.subject, changed.time) == ("other", event.subject, event.time)
    assert type(changed) is Event
    with pytest.raises(InvalidEvent) as caught:
        event.replace(time=dt.datetime(2026, 3, 2, 9, 30))
    assert caught.value.attribute == "time"


def test_the_named_tuple_ways_to_make_an_event_check_it_too() -> None:
    event = make(subject="BN 2026-000001")
    assert event._replace(id="other").id == "other"
    assert Event._make(tuple(event)) == event
    with pytest.raises(InvalidEvent):
        event._replace(id="")
    with pytest.raises(InvalidEvent):
        Event._make((*event[:4], dt.datetime(2026, 3, 2, 9, 30), *event[5:]))
