"""The ``kafka`` sink's records: pass-through, and derived events from a transform's JSON."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from connectors.kafka_sink.sink import _DERIVED, KafkaSinkConfig, TopicSink, derived_id
from hub.events import Catalog, Decoder, Encoder
from hub.routing.types import Delivery, PermanentError, SinkContext
from hub.sdk import FatalError
from tests.factories import case_opened


def _sink(catalog: Catalog, **config: str) -> TopicSink:
    sink = TopicSink(KafkaSinkConfig(topic="municipal.copy", **config))  # type: ignore[arg-type]
    sink.open(SinkContext("r", catalog=catalog, encoder=Encoder(catalog)))
    return sink


def _delivery(payload: dict[str, object]) -> Delivery:
    event = case_opened(7)
    return Delivery(id=event.id, key=event.subject, payload=payload, event=event, route="r")


def test_pass_through_keeps_the_event(catalog: Catalog) -> None:
    delivery = _delivery({})
    (record,) = _sink(catalog).records(delivery)
    assert record.topic == "municipal.copy"
    decoded = Decoder(catalog).decode(record.key, record.value, record.headers)
    assert decoded.id == delivery.event.id
    assert decoded.data["caseNumber"] == "KS 2026/00007"


def test_derived_event_from_json_payload_with_dates(catalog: Catalog) -> None:
    schema = catalog.get("CaseClosed")
    payload = {
        "caseNumber": "KS 2026/00007",
        "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
        "closedAt": "2026-11-27T10:15:00Z",
    }
    fields = {f["name"] for f in schema.schema["fields"]}
    assert {"caseNumber", "municipality", "closedAt"} <= fields
    required = [
        f["name"]
        for f in schema.schema["fields"]
        if "default" not in f and f["name"] not in payload
    ]
    for name in required:  # fill the rest from the schema's own first enum symbol or text
        kind = next(f["type"] for f in schema.schema["fields"] if f["name"] == name)
        payload[name] = kind["symbols"][0] if isinstance(kind, dict) and "symbols" in kind else "x"
    delivery = _delivery(payload)
    (record,) = _sink(catalog, event="CaseClosed").records(delivery)
    decoded = Decoder(catalog).decode(record.key, record.value, record.headers)
    assert decoded.type == schema.type
    assert decoded.data["closedAt"] == dt.datetime(2026, 11, 27, 10, 15, tzinfo=dt.UTC)
    again = _sink(catalog, event="CaseClosed").records(delivery)
    assert again[0].headers == record.headers  # same derived id each time: idempotent


def test_bad_derived_payload_is_permanent(catalog: Catalog) -> None:
    with pytest.raises(PermanentError, match="derived CaseClosed"):
        _sink(catalog, event="CaseClosed").records(_delivery({"caseNumber": 5}))


def test_unknown_derived_event_stops_the_route(catalog: Catalog) -> None:
    sink = TopicSink(KafkaSinkConfig(topic="t", event="NoSuchEvent"))
    with pytest.raises(FatalError, match="NoSuchEvent"):
        sink.open(SinkContext("r", catalog=catalog, encoder=Encoder(catalog)))


@pytest.mark.parametrize("original", ["6f1c2a52-9d8e-4f0b-8a1e-000000000007", "ärende-1", ""])
def test_derived_id_is_the_uuid5_it_always_was(original: str) -> None:
    assert derived_id("route-a", original) == str(uuid.uuid5(_DERIVED, f"route-a:{original}"))


def test_pass_through_never_builds_the_payload(catalog: Catalog) -> None:
    event = case_opened(7)

    def build() -> dict[str, object]:
        raise AssertionError("the payload was built")

    delivery = Delivery.deferred(event.id, event.subject, build, event, "r")
    (record,) = _sink(catalog).records(delivery)
    assert Decoder(catalog).decode(record.key, record.value, record.headers).id == event.id


def test_empty_source_is_refused_when_the_sink_opens(catalog: Catalog) -> None:
    with pytest.raises(FatalError, match="source"):
        _sink(catalog, event="CaseClosed", source="")
