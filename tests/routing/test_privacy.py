"""Personal data: masking, pseudonymising and passing through, with events that still encode."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.config.routes import PersonalData
from hub.events import Catalog, Decoder, Encoder, Event, UnknownEventType
from hub.routing.privacy import MASK, Protector
from tests.events.avro_data import events
from tests.events.catalog_files import event_schema, field, write_event
from tests.events.conftest import CATALOG
from tests.routing.sample_events import (
    PERMIT_GRANTED,
    case_opened,
    payment_received,
    permit_granted,
)

MASKED = PersonalData()
KEY = "route-key-" + "0123456789"
PSEUDONYMS = PersonalData(mode="pseudonymise", key=KEY)  # type: ignore[arg-type]
PSEUDONYM = re.compile(r"ps:[0-9a-f]{16}")


def pseudonym(value: str, key: str = KEY) -> str:
    return "ps:" + hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture(scope="module")
def masker(catalog: Catalog) -> Protector:
    return Protector(MASKED, catalog)


def test_personal_fields_are_masked_and_the_rest_untouched(masker: Protector) -> None:
    event = case_opened()
    data = masker.protect(event).data
    applicant, neighbour = data["parties"]
    assert applicant == {
        "role": "APPLICANT",
        "name": MASK,
        "identityNumber": MASK,  # sensitive counts too
        "email": MASK,
        "address": {"street": MASK, "postalCode": MASK, "city": MASK, "countryCode": "SE"},
    }
    assert neighbour == {
        "role": "NEIGHBOUR",
        "name": MASK,
        "identityNumber": None,  # null stays null
        "email": None,
        "address": None,
    }
    assert data["title"] == MASK
    assert data["caseOfficer"] == MASK
    untouched = {
        k: v for k, v in event.data.items() if k not in ("title", "caseOfficer", "parties")
    }
    assert {k: data[k] for k in untouched} == untouched


def test_arrays_of_strings_and_optional_records(masker: Protector) -> None:
    data = masker.protect(payment_received()).data
    assert data["information"] == [MASK, MASK]
    assert data["payer"] == {
        "name": MASK,
        "extraName": None,
        "street": MASK,
        "postalCode": MASK,
        "city": MASK,
        "country": None,
        "countryCode": "SE",  # not personal
        "identityNumber": MASK,
    }
    assert data["senderBankgiro"] == "5555-5555"
    assert masker.protect(payment_received(payer=None)).data["payer"] is None


def test_maps_keep_their_keys(catalog: Catalog, masker: Protector) -> None:
    schema = catalog.get("ApplicationSubmitted")
    data: dict[str, Any] = {
        "applicationId": "ES-2026-004711",
        "municipality": {"code": "2480", "organisationNumber": "212000-2627"},
        "serviceId": "bygglov-ansokan",
        "serviceName": "Ansökan om bygglov",
        "submittedAt": dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC),
        "applicant": {"identityNumber": None, "name": "Anna", "email": None, "phone": "+4690"},
        "authentication": "BANKID",
        "answers": {"q1": "Anna Andersson", "q2": "Storgatan 1"},
        "attachments": [
            {"fileName": "ritning.pdf", "mediaType": "application/pdf", "sizeBytes": 1, "uri": "u"}
        ],
        "caseNumber": None,
    }
    event = Event(type=schema.type, source="/kommun/2480/portal", data=data)
    masked = masker.protect(event).data
    assert masked["answers"] == {"q1": MASK, "q2": MASK}
    assert masked["attachments"] == [
        {"fileName": MASK, "mediaType": "application/pdf", "sizeBytes": 1, "uri": "u"}
    ]
    assert masked["applicant"] == {
        "identityNumber": None,
        "name": MASK,
        "email": None,
        "phone": MASK,
    }


def test_the_event_read_is_left_alone(masker: Protector) -> None:
    event = case_opened()
    before = repr(event.data)
    protected = masker.protect(event)
    assert repr(event.data) == before
    assert protected is not event
    for attribute in ("type", "source", "id", "time", "subject", "dataschema", "traceparent"):
        assert getattr(protected, attribute) == getattr(event, attribute)


def test_pseudonyms_are_keyed_hmacs_stable_per_value(catalog: Catalog) -> None:
    protector = Protector(PSEUDONYMS, catalog)
    payment = protector.protect(payment_received()).data
    case = protector.protect(case_opened()).data
    assert payment["payer"]["name"] == pseudonym("Anna Andersson")
    assert PSEUDONYM.fullmatch(payment["payer"]["identityNumber"])
    # the same person in two events and two fields: targets can still join on it
    assert case["parties"][0]["name"] == payment["payer"]["name"]
    assert case["parties"][0]["identityNumber"] == payment["payer"]["identityNumber"]
    assert payment["information"][1] == payment["payer"]["name"]
    assert case["parties"][1]["name"] == pseudonym("Bo Berg") != payment["payer"]["name"]
    assert case["parties"][1]["email"] is None


def test_pseudonyms_depend_on_the_key(catalog: Catalog) -> None:
    other = PersonalData(mode="pseudonymise", key="another-key")  # type: ignore[arg-type]
    mine = Protector(PSEUDONYMS, catalog).protect(payment_received()).data["payer"]["name"]
    theirs = Protector(other, catalog).protect(payment_received()).data["payer"]["name"]
    assert theirs == pseudonym("Anna Andersson", "another-key") != mine


def test_allowed_routes_get_the_event_as_read(catalog: Catalog) -> None:
    allowed = PersonalData(allow=True, reason="Case system of record (GDPR art. 6.1 e)")
    protector = Protector(allowed, catalog)
    event = case_opened()
    assert protector.protect(event) is event
    assert protector.masked_fields(catalog.get("CaseOpened")) == ()


def test_the_schema_comes_from_dataschema_or_type(catalog: Catalog, masker: Protector) -> None:
    v1 = permit_granted(version=1)
    assert masker.protect(v1).data["propertyDesignation"] == MASK
    untyped = Event(type=PERMIT_GRANTED, source=v1.source, data=permit_granted().data)
    assert untyped.dataschema is None
    assert masker.protect(untyped).data["propertyDesignation"] == MASK


def test_unknown_events_are_refused(masker: Protector) -> None:
    with pytest.raises(UnknownEventType):
        masker.protect(Event(type="se.kommun.hub.permit.Nothing.v1", source="/x", data={}))
    with pytest.raises(UnknownEventType):
        masker.protect(
            Event(type=PERMIT_GRANTED, source="/x", data={}, dataschema="urn:nothing.avsc")
        )


def test_masked_fields_are_the_catalogs_personal_fields(catalog: Catalog) -> None:
    for protector in (Protector(MASKED, catalog), Protector(PSEUDONYMS, catalog)):
        for schema in catalog:
            assert protector.masked_fields(schema) == tuple(f.path for f in schema.personal_fields)


@pytest.mark.parametrize("policy", [MASKED, PSEUDONYMS], ids=["mask", "pseudonymise"])
def test_protected_events_still_encode(catalog: Catalog, policy: PersonalData) -> None:
    protector = Protector(policy, catalog)
    encoder, decoder = Encoder(catalog, validate=True), Decoder(catalog)
    for event in (case_opened(), payment_received(), permit_granted(), permit_granted(1)):
        protected = protector.protect(event)
        record = encoder.encode(protected)
        assert decoder.decode(record.key, record.value, record.headers).data == protected.data


# -- odd schemas: values that are not strings, marked records, recursion, a personal key ----

PERSONAL = {"hub.classification": "personal"}
SENSITIVE = {"hub.classification": "sensitive"}
NODE = {
    "type": "record",
    "name": "Node",
    "doc": "A tree node.",
    "fields": [
        field("label", "string", **PERSONAL),
        field("note", "string"),
        field("children", {"type": "array", "items": "Node"}),
    ],
}
ODDITY = event_schema(
    "Oddity",
    [
        field("age", "int", **PERSONAL),
        field("born", {"type": "int", "logicalType": "date"}, **PERSONAL),
        field("seen", {"type": "long", "logicalType": "timestamp-millis"}, **PERSONAL),
        field(
            "gender",
            {
                "type": "enum",
                "name": "Gender",
                "doc": "As registered.",
                "symbols": ["F", "M", "X", "UNKNOWN"],
                "default": "UNKNOWN",
            },
            **SENSITIVE,
        ),
        field("score", ["null", "double"], default=None, **PERSONAL),
        field("photo", "bytes", **PERSONAL),
        field("flag", "boolean", **PERSONAL),
        field(
            "contact",
            {
                "type": "record",
                "name": "Contact",
                "doc": "How to reach someone.",
                "fields": [
                    field("email", "string"),
                    field("phone", ["null", "string"], default=None),
                    field("tags", {"type": "map", "values": "string"}),
                ],
            },
            **PERSONAL,
        ),
        field("tree", NODE),
        field(
            "choice",
            [
                "null",
                "string",
                {
                    "type": "record",
                    "name": "Choice",
                    "doc": "A choice.",
                    "fields": [field("name", "string", **PERSONAL), field("kept", "string")],
                },
            ],
            default=None,
        ),
        field("mixed", ["string", "long"], **PERSONAL),
    ],
)
KEYED = event_schema("KeyedByPerson", [field("identityNumber", "string", **SENSITIVE)])


@pytest.fixture(scope="module")
def odd_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root: Path = tmp_path_factory.mktemp("catalog")
    write_event(root, "Oddity", [ODDITY])
    write_event(root, "KeyedByPerson", [KEYED], meta="key: identityNumber\n")
    return Catalog.load(root)


def oddity(catalog: Catalog, **changes: Any) -> Event:
    leaf: dict[str, Any] = {"label": "Anna", "note": "leaf", "children": []}
    data: dict[str, Any] = {
        "caseNumber": "BN 1",
        "age": 44,
        "born": dt.date(1981, 12, 18),
        "seen": dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        "gender": "F",
        "score": 0.5,
        "photo": b"\x89PNG",
        "flag": True,
        "contact": {"email": "anna@example.se", "phone": None, "tags": {"k": "v"}},
        "tree": {"label": "root", "note": "top", "children": [leaf, {**leaf, "children": [leaf]}]},
        "choice": {"name": "Anna", "kept": "yes"},
        "mixed": 12,
    }
    return Event(type=catalog.get("Oddity").type, source="/kommun/2480/x", data=data | changes)


def test_values_other_than_strings_keep_their_type(odd_catalog: Catalog) -> None:
    protector = Protector(MASKED, odd_catalog)
    data = protector.protect(oddity(odd_catalog)).data
    assert data["age"] == 0
    assert data["born"] == dt.date(1970, 1, 1)
    assert data["seen"] == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert data["gender"] == "UNKNOWN"  # the enum's default symbol
    assert data["score"] is None  # nullable: null
    assert data["photo"] == b""
    assert data["flag"] is False
    assert data["mixed"] == 0
    assert protector.protect(oddity(odd_catalog, mixed="Anna")).data["mixed"] == MASK


def test_a_marked_record_is_masked_whole(odd_catalog: Catalog) -> None:
    data = Protector(MASKED, odd_catalog).protect(oddity(odd_catalog)).data
    assert data["contact"] == {"email": MASK, "phone": None, "tags": {"k": MASK}}


def test_recursive_records_are_masked_at_every_depth(odd_catalog: Catalog) -> None:
    tree = Protector(MASKED, odd_catalog).protect(oddity(odd_catalog)).data["tree"]
    leaf = {"label": MASK, "note": "leaf", "children": []}
    assert tree == {
        "label": MASK,
        "note": "top",
        "children": [leaf, {"label": MASK, "note": "leaf", "children": [leaf]}],
    }


def test_unions_mask_the_branch_the_value_takes(odd_catalog: Catalog) -> None:
    protector = Protector(MASKED, odd_catalog)
    assert protector.protect(oddity(odd_catalog)).data["choice"] == {"name": MASK, "kept": "yes"}
    assert protector.protect(oddity(odd_catalog, choice="free text")).data["choice"] == "free text"
    assert protector.protect(oddity(odd_catalog, choice=None)).data["choice"] is None


@pytest.mark.parametrize("policy", [MASKED, PSEUDONYMS], ids=["mask", "pseudonymise"])
def test_odd_events_still_encode(odd_catalog: Catalog, policy: PersonalData) -> None:
    protector = Protector(policy, odd_catalog)
    encoder = Encoder(odd_catalog, validate=True)
    for event in (oddity(odd_catalog), oddity(odd_catalog, mixed="x", choice="y", score=None)):
        encoder.encode(protector.protect(event))


def test_a_personal_key_is_replaced_in_the_subject_too(odd_catalog: Catalog) -> None:
    schema = odd_catalog.get("KeyedByPerson")
    number = "198112189876"
    event = Event(
        type=schema.type,
        source="/kommun/2480/x",
        data={"caseNumber": "BN 1", "identityNumber": number},
        subject=number,
    )
    for policy in (MASKED, PSEUDONYMS):
        protected = Protector(policy, odd_catalog).protect(event)
        assert protected.subject == protected.data["identityNumber"] != number
        Encoder(odd_catalog).encode(protected)
    assert Protector(PSEUDONYMS, odd_catalog).protect(event).subject == pseudonym(number)


# -- properties ---------------------------------------------------------------------------

SCHEMAS = list(Catalog.load(CATALOG))


def strings_at(value: Any, path: list[str]) -> list[Any]:
    """The values at a personal-field path (``a.b``, ``a[]``, ``a{}``) of some data."""
    if not path:
        return [value]
    if value is None:
        return []
    step, rest = path[0], path[1:]
    name = step.rstrip("[]{}")
    found = value.get(name) if isinstance(value, dict) else None
    if step.endswith("[]") and found is not None:
        return [item for each in found for item in strings_at(each, rest)]
    if step.endswith("{}") and found is not None:
        return [item for each in found.values() for item in strings_at(each, rest)]
    return strings_at(found, rest)


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def split(path: str) -> list[str]:
    return re.findall(r"[^.\[\]{}]+(?:\[\]|\{\})?", path)


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.name}-v{s.version}")
@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_personal_value_is_replaced_and_the_event_encodes(
    catalog: Catalog, schema: Any, data: st.DataObject
) -> None:
    event = data.draw(events(schema))
    for policy, replaced in ((MASKED, re.compile(r"\*\*\*")), (PSEUDONYMS, PSEUDONYM)):
        protected = Protector(policy, catalog).protect(event)
        Encoder(catalog, validate=True).encode(protected)
        for personal in schema.personal_fields:
            for value in strings_at(protected.data, split(personal.path)):
                for leaf in leaves(value):
                    assert leaf is None or replaced.fullmatch(leaf), (personal.path, leaf)
