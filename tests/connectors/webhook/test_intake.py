"""From a request body to an event: envelope, type, schema, key and municipality checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from connectors.webhook import problems
from connectors.webhook.intake import Intake
from connectors.webhook.problems import Problem
from hub.events import Catalog, Decoder, Encoder
from tests.connectors.webhook.bodies import APPLICATION, NOTIFICATION, application

RECEIVED = dt.datetime(2026, 3, 1, 9, 31, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def intake(catalog: Catalog) -> Intake:
    return Intake(catalog, event_types=[APPLICATION, NOTIFICATION], municipality_code="2480")


def _refusal(intake: Intake, body: Any) -> Problem:
    with pytest.raises(Problem) as caught:
        intake.event(body, RECEIVED)
    return caught.value


def test_a_valid_body_becomes_an_event_that_encodes(intake: Intake, catalog: Catalog) -> None:
    body = application()
    event = intake.event(body, RECEIVED)
    assert (event.type, event.id, event.source) == (APPLICATION, body["id"], body["source"])
    assert event.time == dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert event.subject == body["data"]["applicationId"]
    record = Encoder(catalog).encode(event)
    back = Decoder(catalog).decode(record.key, record.value, record.headers)
    assert back.data["submittedAt"] == dt.datetime(2026, 3, 1, 8, 29, 58, 120_000, tzinfo=dt.UTC)
    assert back.data["answers"] == body["data"]["answers"]
    assert back.data["caseNumber"] is None


def test_time_defaults_to_arrival_and_extensions_are_carried(intake: Intake) -> None:
    body = application()
    del body["time"]
    body.update({"partitionkey": "x", "retries": 2, "urgent": True, "comment": None})
    event = intake.event(body, RECEIVED)
    assert event.time == RECEIVED
    assert dict(event.extensions) == {"partitionkey": "x", "retries": "2", "urgent": "true"}


def test_dataschema_names_the_schema_version_written(intake: Intake, catalog: Catalog) -> None:
    schema = catalog.by_type(APPLICATION)
    event = intake.event({**application(), "dataschema": schema.dataschema}, RECEIVED)
    assert event.dataschema == schema.dataschema


def test_dataschema_pins_an_older_version(catalog: Catalog) -> None:
    # PermitGranted v2 added validUntil: data with it fits v2, not v1
    v1, latest = (
        catalog.get("PermitGranted", 1),
        catalog.by_type(catalog.get("PermitGranted", 1).type),
    )
    assert latest.version == 2
    body = {**application(), "type": v1.type, "data": {"validUntil": "2027-01-01"}}
    assert _refusal(Intake(catalog), body).field == "data.caseNumber"  # v2: validUntil fits
    pinned = _refusal(Intake(catalog), {**body, "dataschema": v1.dataschema})
    assert (pinned.field, pinned.status) == ("data.validUntil", 422)
    assert "no such field" in pinned.detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"specversion": "0.3"}, "specversion"),
        ({"id": ""}, "id"),
        ({"source": 7}, "source"),
        ({"time": "yesterday"}, "time"),
        ({"subject": "ES-0000-000000"}, "subject"),
        ({"datacontenttype": "application/xml"}, "datacontenttype"),
        ({"data_base64": "e30="}, "data_base64"),
        ({"traceparent": "not-a-trace"}, "traceparent"),
        ({"Bad-Name": "x"}, "Bad-Name"),
        ({"nested": {"a": 1}}, "nested"),
        ({"dataschema": "urn:municipal-event-hub:schemas:eservice/Nope/v1.avsc"}, "dataschema"),
        (
            {"dataschema": "urn:municipal-event-hub:schemas:finance/InvoiceIssued/v1.avsc"},
            "dataschema",
        ),
    ],
)
def test_envelope_problems_name_the_attribute(
    intake: Intake, change: dict[str, Any], field: str
) -> None:
    refusal = _refusal(intake, {**application(), **change})
    assert refusal.kind is problems.INVALID
    assert (refusal.status, refusal.field, refusal.pointer) == (422, field, f"/{field}")


def test_data_is_required(intake: Intake) -> None:
    body = application()
    del body["data"]
    assert _refusal(intake, body).field == "data"


def test_a_body_that_is_not_an_object(intake: Intake) -> None:
    refusal = _refusal(intake, [application()])
    assert refusal.kind is problems.INVALID
    assert "one CloudEvent" in refusal.detail


def test_data_problems_name_the_field(intake: Intake) -> None:
    body = application(attachments=[{"fileName": "a.pdf", "mediaType": "x", "uri": "u"}])
    refusal = _refusal(intake, body)
    assert refusal.field == "data.attachments[0].sizeBytes"
    assert refusal.pointer == "/data/attachments/0/sizeBytes"
    assert "eservice/ApplicationSubmitted v1" in refusal.detail


def test_empty_key_is_refused(intake: Intake) -> None:
    assert _refusal(intake, application(applicationId="")).field == "data.applicationId"


def test_other_municipality_is_refused(intake: Intake) -> None:
    body = application(municipality={"code": "0180", "organisationNumber": "212000-0142"})
    refusal = _refusal(intake, body)
    assert refusal.field == "data.municipality.code"
    assert "2480" in refusal.detail


def test_unknown_type_suggests_the_catalog_type(intake: Intake) -> None:
    refusal = _refusal(intake, {**application(), "type": "ApplicationSubmitted"})
    assert refusal.kind is problems.UNKNOWN_TYPE
    assert (refusal.status, refusal.field) == (422, "type")
    assert f"did you mean {APPLICATION!r}" in refusal.detail


def test_type_not_allowed_here(intake: Intake, catalog: Catalog) -> None:
    permit = catalog.get("PermitGranted")
    refusal = _refusal(intake, {**application(), "type": permit.type})
    assert refusal.kind is problems.NOT_ALLOWED
    assert refusal.status == 403


def test_configured_types_must_be_in_the_catalog(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match=r"has no type se\.kommun\.hub\.eservice\.Nope\.v1"):
        Intake(catalog, event_types=["se.kommun.hub.eservice.Nope.v1"])


@pytest.mark.parametrize(
    "body",
    [b"{", b"\xff\xfe{}", b'{"a": NaN}', b"[" * 100_000, b""],
    ids=["truncated", "not-utf8", "nan", "deep", "empty"],
)
def test_bodies_that_are_not_json(intake: Intake, body: bytes) -> None:
    with pytest.raises(Problem) as caught:
        intake.parse(body)
    assert caught.value.kind is problems.MALFORMED
    assert caught.value.status == 400
