"""Declared transforms: paths, constants, templates, nested output, JSON values, errors."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.events import Catalog, Event
from hub.routing.transform import (
    TransformError,
    cloudevent_json,
    compile_transform,
    rfc3339,
    to_json_value,
)
from tests.events.avro_data import events
from tests.events.conftest import CATALOG
from tests.routing.sample_events import (
    PERMIT_GRANTED,
    WHEN,
    case_opened,
    payment_received,
    permit_granted,
    permit_refused,
)


def apply(catalog: Catalog, spec: dict[str, Any] | None, event: Event, *names: str) -> Any:
    schemas = [catalog.get(name) for name in names or ("PermitGranted",)]
    return compile_transform(spec, schemas).apply(event)


def refused(catalog: Catalog, spec: Any, *names: str) -> TransformError:
    schemas = [catalog.get(name) for name in names or ("PermitGranted",)]
    with pytest.raises(TransformError) as caught:
        compile_transform(spec, schemas)
    return caught.value


def test_paths_copy_values(catalog: Catalog) -> None:
    spec = {
        "caseId": "data.caseNumber",
        "municipality": "data.municipality.code",
        "amount": "data.fee.amountOre",
        "kind": "data.permitType",
        "decided": "data.decidedOn",
        "published": "data.publishedOn",
        "consultation": "data.technicalConsultationRequired",
        "conditions": "data.conditions",
        "fee": "data.fee",
        "key": "subject",
        "at": "time",
        "eventId": "id",
        "type": "type",
        "event": "event",
        "from": "source",
        "schema": "dataschema",
    }
    assert apply(catalog, spec, permit_granted()) == {
        "caseId": "BN 2026-000123",
        "municipality": "2480",
        "amount": 2_345_600,
        "kind": "BUILDING_PERMIT",
        "decided": "2026-03-02",
        "published": None,
        "consultation": True,
        "conditions": ["Kontrollplan"],
        "fee": {"amountOre": 2_345_600, "currency": "SEK"},
        "key": "BN 2026-000123",
        "at": "2026-03-02T09:30:00Z",
        "eventId": "7f0c8a52-4a4b-4c1e-9a59-2b1d0a0e5f11",
        "type": PERMIT_GRANTED,
        "event": "PermitGranted",
        "from": "/kommun/2480/bygglov",
        "schema": "urn:municipal-event-hub:schemas:permit/PermitGranted/v2.avsc",
    }


def test_missing_values_are_null(catalog: Catalog) -> None:
    sparse = Event(type=PERMIT_GRANTED, source="/kommun/2480/bygglov", data={"caseNumber": "1"})
    spec = {"code": "data.municipality.code", "text": {"template": "[{data.fee.amountOre}]"}}
    assert apply(catalog, spec, sparse) == {"code": None, "text": "[]"}


def test_dotted_output_names_build_nested_objects(catalog: Catalog) -> None:
    spec = {
        "case.id": "data.caseNumber",
        "case.decision.on": "data.decidedOn",
        "case.decision.by": "data.decidedBy",
        "fee.amount": "data.fee.amountOre",
        "fee.currency": {"const": "SEK"},
        "system": {"const": "bygglov"},
    }
    assert apply(catalog, spec, permit_granted()) == {
        "case": {"id": "BN 2026-000123", "decision": {"on": "2026-03-02", "by": "DELEGATE"}},
        "fee": {"amount": 2_345_600, "currency": "SEK"},
        "system": "bygglov",
    }


def test_constants(catalog: Catalog) -> None:
    spec = {
        "text": {"const": "Bygglov"},
        "number": {"const": 3},
        "nothing": {"const": None},
        "flag": {"const": False},
        "list": {"const": [1, "two", {"three": 3}]},
        "object": {"const": {"a": {"b": [True]}}},
    }
    transform = compile_transform(spec, [catalog.get("PermitGranted")])
    first = transform.apply(permit_granted())
    assert first == {key: value["const"] for key, value in spec.items()}
    first["list"].append("changed by a sink")
    first["object"]["a"]["b"].clear()
    assert transform.apply(permit_granted()) == first | {
        "list": [1, "two", {"three": 3}],
        "object": {"a": {"b": [True]}},
    }


def test_templates_fill_in_paths(catalog: Catalog) -> None:
    spec = {
        "text": {"template": "Bygglov {data.caseNumber} beviljat {data.decidedOn}"},
        "fee": {"template": "{data.fee.amountOre} öre ({ data.fee.currency })"},
        "mixed": {"template": "{event}/{data.permitType}/{data.technicalConsultationRequired}"},
        "empty": {"template": "published: {data.publishedOn}."},
        "braces": {"template": "{{literal}} {{{data.caseNumber}}}"},
        "record": {"template": "fee={data.fee}"},
        "list": {"template": "{data.conditions}"},
        "time": {"template": "at {time}"},
        "plain": {"template": "no placeholders"},
    }
    assert apply(catalog, spec, permit_granted()) == {
        "text": "Bygglov BN 2026-000123 beviljat 2026-03-02",
        "fee": "2345600 öre (SEK)",
        "mixed": "PermitGranted/BUILDING_PERMIT/true",
        "empty": "published: .",
        "braces": "{literal} {BN 2026-000123}",
        "record": 'fee={"amountOre":2345600,"currency":"SEK"}',
        "list": '["Kontrollplan"]',
        "time": "at 2026-03-02T09:30:00Z",
        "plain": "no placeholders",
    }


def test_dates_and_times_are_iso_8601(catalog: Catalog) -> None:
    stockholm = dt.timezone(dt.timedelta(hours=1))
    event = case_opened(openedAt=dt.datetime(2026, 3, 1, 9, 15, 0, 250000, tzinfo=stockholm))
    spec = {"opened": "data.openedAt", "received": "data.receivedOn"}
    assert apply(catalog, spec, event, "CaseOpened") == {
        "opened": "2026-03-01T08:15:00.250000Z",
        "received": "2026-02-27",
    }
    micros = apply(catalog, {"at": "data.fileCreatedAt"}, payment_received(), "PaymentReceived")
    assert micros == {"at": "2026-03-02T06:00:00.123456Z"}


def test_a_transform_for_several_events(catalog: Catalog) -> None:
    spec = {"caseId": "data.caseNumber", "decided": "data.decidedOn", "event": "event"}
    transform = compile_transform(
        spec, [catalog.get("PermitGranted"), catalog.get("PermitRefused")]
    )
    assert transform.apply(permit_refused()) == {
        "caseId": "BN 2026-000124",
        "decided": "2026-03-03",
        "event": "PermitRefused",
    }


def test_without_a_transform_the_target_gets_cloudevents_json(catalog: Catalog) -> None:
    event = permit_granted()
    payload = apply(catalog, None, event)
    assert payload == cloudevent_json(event)
    assert list(payload) == [
        "specversion",
        "id",
        "type",
        "source",
        "subject",
        "time",
        "dataschema",
        "data",
    ]
    assert payload["specversion"] == "1.0"
    assert payload["time"] == "2026-03-02T09:30:00Z"
    assert payload["data"]["decidedOn"] == "2026-03-02"
    assert payload["data"]["fee"] == {"amountOre": 2_345_600, "currency": "SEK"}
    assert json.loads(json.dumps(payload)) == payload


def test_cloudevents_json_carries_trace_context_and_extensions(catalog: Catalog) -> None:
    event = Event(
        type=PERMIT_GRANTED,
        source="/kommun/2480/bygglov",
        data={"caseNumber": "BN 1"},
        time=WHEN,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        extensions={"partitionkey": "BN 1"},
    )
    payload = cloudevent_json(event)
    assert "subject" not in payload
    assert "dataschema" not in payload
    assert payload["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert payload["partitionkey"] == "BN 1"


class Colour(enum.Enum):
    RED = 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("text", "text"),
        (7, 7),
        (True, True),
        (1.5, 1.5),
        (float("nan"), None),
        (float("inf"), None),
        (dt.date(2026, 3, 2), "2026-03-02"),
        (dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), "2026-03-02T09:30:00Z"),
        (
            dt.datetime(2026, 3, 2, 10, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-03-02T09:30:00.000005Z",
        ),
        (dt.datetime(2026, 3, 2, 9, 30), "2026-03-02T09:30:00"),  # local-timestamp: as written
        (dt.time(9, 30, 15, 1000), "09:30:15.001000"),
        (b"\x00\xffhub", "AP9odWI="),
        (bytearray(b"hub"), "aHVi"),
        (Decimal("12.50"), "12.50"),
        (uuid.UUID("7f0c8a52-4a4b-4c1e-9a59-2b1d0a0e5f11"), "7f0c8a52-4a4b-4c1e-9a59-2b1d0a0e5f11"),
        (Colour.RED, "RED"),
        ((1, dt.date(2026, 1, 1)), [1, "2026-01-01"]),
        ({"a": {"b": [b"x"]}, 1: None}, {"a": {"b": ["eA=="]}, "1": None}),
    ],
)
def test_to_json_value(value: Any, expected: Any) -> None:
    assert to_json_value(value) == expected


def test_to_json_value_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match=r"object value .* has no JSON form"):
        to_json_value({"a": object()})


def test_rfc3339_is_utc_with_z() -> None:
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert rfc3339(moment) == "2027-01-01T01:30:00Z"


# -- errors -------------------------------------------------------------------------------


def test_an_unknown_path_names_the_output_field_and_the_path(catalog: Catalog) -> None:
    caught = refused(catalog, {"caseId": "data.caseNumbr"})
    assert caught.field == "caseId"
    assert caught.path == "data.caseNumbr"
    assert str(caught).startswith(
        "transform output field 'caseId': unknown field data.caseNumbr (PermitGranted has: "
    )
    assert "did you mean data.caseNumber?" in str(caught)


def test_an_unknown_placeholder_names_the_output_field(catalog: Catalog) -> None:
    caught = refused(catalog, {"text": {"template": "Bygglov {data.caseNumber} {data.decided}"}})
    assert caught.field == "text"
    assert caught.path == "data.decided"
    assert "unknown field data.decided" in str(caught)


def test_paths_must_exist_in_every_event_read(catalog: Catalog) -> None:
    caught = refused(catalog, {"grounds": "data.grounds"}, "PermitGranted", "PermitRefused")
    assert "unknown field data.grounds (PermitGranted has:" in str(caught)
    assert "PermitRefused has it" in str(caught)


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"x": 42}, "x", "expected a path such as data.caseNumber, {const: value} or {template:"),
        ({"x": {"path": "data.caseNumber"}}, "x", "for nested output write dotted names (x.path)"),
        ({"x": {"const": 1, "template": "a"}}, "x", "expected a path such as"),
        ({"x": {"template": 5}}, "x", "a template is a string, not 5"),
        ({"x": {"const": object()}}, "x", "the constant is not JSON: object value"),
        ({"x": {"template": "a {data.caseNumber"}}, "x", "unmatched { at position 3"),
        ({"x": {"template": "a } b"}}, "x", "unmatched } at position 3 of the template; write }}"),
        ({"x": {"template": "a {} b"}}, "x", "an empty {} in the template"),
        ({"x": "time.zone"}, "x", "time is an attribute without fields"),
        ({"x": "caseNumber"}, "x", "unknown path caseNumber: use data.<field> or an attribute"),
        ({"a.": "id"}, "a.", "output field names are non-empty, dotted for nested objects"),
        ({"": "id"}, "", "output field names are non-empty"),
        ({"case": "id", "case.id": "id"}, "case.id", "case is a value of its own"),
        ({"case.id.x": "id", "case.id": "id"}, "case.id.x", "case.id is a value of its own"),
    ],
)
def test_bad_transforms_are_refused(
    catalog: Catalog, spec: dict[str, Any], field: str, message: str
) -> None:
    caught = refused(catalog, spec)
    assert caught.field == field
    assert message in str(caught)


def test_an_empty_transform_is_refused(catalog: Catalog) -> None:
    caught = refused(catalog, {})
    assert caught.field is None
    assert "leave it out to deliver the whole event as CloudEvents JSON" in str(caught)


def test_transform_errors_are_value_errors() -> None:
    assert issubclass(TransformError, ValueError)


# -- properties ---------------------------------------------------------------------------

SCHEMAS = list(Catalog.load(CATALOG))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.name}-v{s.version}")
@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_becomes_json(schema: Any, data: st.DataObject) -> None:
    event = data.draw(events(schema))
    whole = compile_transform(None, [schema]).apply(event)
    assert json.loads(json.dumps(whole, allow_nan=False)) == whole
    fields = {f["name"]: f"data.{f['name']}" for f in schema.parsed["fields"]}
    picked = compile_transform(fields, [schema]).apply(event)
    assert picked == whole["data"]
