"""The catalog in schemas/: what it holds, how it is looked up, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.events import (
    Catalog,
    CatalogError,
    Compatibility,
    UnknownEventType,
    UnknownFingerprint,
)
from hub.events.rules import resolve, walk_fields
from tests.events.catalog_files import event_schema, field, write_event

EVENTS = {
    "registry": {"CaseOpened", "CaseStatusChanged", "DocumentRegistered", "CaseClosed"},
    "permit": {
        "PermitApplicationReceived",
        "SupplementRequested",
        "PermitGranted",
        "PermitRefused",
        "StartNoticeIssued",
        "FinalNoticeIssued",
    },
    "finance": {"InvoiceIssued", "PaymentReceived"},
    "eservice": {"ApplicationSubmitted", "ResidentNotificationRequested"},
}
PERSONAL_NAMES = {"name", "extraName", "email", "phone", "street", "postalCode", "city"}


def test_the_catalog_holds_the_canonical_events(catalog: Catalog) -> None:
    found: dict[str, set[str]] = {}
    for schema in catalog:
        found.setdefault(schema.domain, set()).add(schema.name)
    assert found == EVENTS


def test_permit_granted_keeps_both_versions_under_one_type(catalog: Catalog) -> None:
    v1, v2 = catalog.versions("PermitGranted")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.type == v2.type == "se.kommun.hub.permit.PermitGranted.v1"
    assert v1.fingerprint != v2.fingerprint
    assert catalog.by_type(v1.type) is v2
    assert v2.dataschema == "urn:municipal-event-hub:schemas:permit/PermitGranted/v2.avsc"


def test_every_event_names_its_municipality(catalog: Catalog) -> None:
    for schema in catalog:
        paths = {info.path for info in walk_fields(schema.parsed)}
        assert {"municipality.code", "municipality.organisationNumber"} <= paths, schema


def test_every_key_field_is_a_top_level_string(catalog: Catalog) -> None:
    for schema in catalog:
        key = next(f for f in schema.parsed["fields"] if f["name"] == schema.key_field)
        assert key["type"] == "string", schema


def test_invoice_and_payment_share_the_ocr_reference_as_key_domain(catalog: Catalog) -> None:
    assert catalog.get("InvoiceIssued").topic() == catalog.get("PaymentReceived").topic()
    assert catalog.get("InvoiceIssued").key_field == "ocrReference"


def test_money_is_ore_in_a_long_with_a_currency(catalog: Catalog) -> None:
    for schema in catalog:
        money = schema.parsed["__named_schemas"].get(f"{schema.full_name.rsplit('.', 1)[0]}.Money")
        if money is None:
            continue
        fields = {f["name"]: f for f in money["fields"]}
        assert fields["amountOre"]["type"] == "long"
        assert fields["currency"]["default"] == "SEK"


def test_dates_and_times_are_logical_types(catalog: Catalog) -> None:
    for schema in catalog:
        named = schema.parsed["__named_schemas"]
        for info in walk_fields(schema.parsed):
            if info.name.endswith(("On", "At", "Date", "Until", "By")) and info.name not in (
                "closedBy",
                "changedBy",
                "requestedBy",
                "decidedBy",
            ):
                branches = resolve(info.field["type"], named)
                branches = branches if isinstance(branches, list) else [branches]
                logical = [b.get("logicalType") for b in branches if isinstance(b, dict)]
                assert logical, f"{schema.event} {info.path} is not a date or timestamp"


def test_personal_data_is_marked(catalog: Catalog) -> None:
    for schema in catalog:
        marks = {f.path: f.classification for f in schema.personal_fields}
        for info in walk_fields(schema.parsed):
            if info.name == "identityNumber":
                assert marks.get(info.path) == "sensitive", (schema.event, info.path)
            elif info.name in PERSONAL_NAMES:
                assert marks.get(info.path) == "personal", (schema.event, info.path)


def test_personal_field_paths_step_into_arrays(catalog: Catalog) -> None:
    marks = {f.path: f.classification for f in catalog.get("CaseOpened").personal_fields}
    assert marks["parties[].identityNumber"] == "sensitive"
    assert marks["parties[].address.street"] == "personal"


def test_lookups(catalog: Catalog) -> None:
    schema = catalog.get("CaseClosed")
    assert catalog.by_fingerprint(schema.fingerprint) is schema
    assert catalog.by_dataschema(schema.dataschema) is schema
    assert catalog.get("PermitGranted", 1).version == 1
    assert schema.topic() == "municipal.registry"
    assert schema.topic("umea.test") == "umea.test.registry"
    assert schema.compatibility is Compatibility.FULL_TRANSITIVE


@pytest.mark.parametrize(
    ("lookup", "error"),
    [
        (lambda c: c.get("NoSuchEvent"), UnknownEventType),
        (lambda c: c.get("PermitGranted", 9), UnknownEventType),
        (lambda c: c.by_type("se.kommun.hub.permit.PermitGranted.v7"), UnknownEventType),
        (lambda c: c.by_dataschema("urn:nothing"), UnknownEventType),
        (lambda c: c.by_fingerprint(42), UnknownFingerprint),
    ],
)
def test_unknown_lookups_raise_their_own_errors(catalog: Catalog, lookup, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        lookup(catalog)


# --- what the loader refuses ----------------------------------------------------------------

GOOD = event_schema("PermitGranted", [field("fee", "long")])


def _problems(root: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        Catalog.load(root)
    return "\n".join(str(p) for p in caught.value.problems)


def test_a_good_tmp_catalog_loads(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD])
    assert [s.name for s in Catalog.load(tmp_path)] == ["PermitGranted"]


def test_missing_event_yaml(tmp_path: Path) -> None:
    folder = write_event(tmp_path, "PermitGranted", [GOOD])
    (folder / "event.yaml").unlink()
    assert "permit/PermitGranted/event.yaml: missing" in _problems(tmp_path)


def test_unknown_keys_in_event_yaml(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD], meta="key: caseNumber\ntopic: x\n")
    assert "topic: Extra inputs are not permitted" in _problems(tmp_path)


def test_record_name_must_match_the_path(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitRefused", [GOOD])
    problems = _problems(tmp_path)
    assert "permit/PermitRefused/v1.avsc" in problems
    assert "se.kommun.hub.permit.PermitRefused" in problems


def test_namespace_must_match_the_domain(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD], domain="finance")
    assert "does not match its path" in _problems(tmp_path)


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", ['{"type": "record",\n  "name": }'])
    assert "not valid JSON" in _problems(tmp_path)
    assert "line 2" in _problems(tmp_path)


def test_invalid_avro_is_reported(tmp_path: Path) -> None:
    bad = event_schema(
        "PermitGranted", [field("when", {"type": "int", "logicalType": "timestamp-millis"})]
    )
    write_event(tmp_path, "PermitGranted", [bad])
    assert "not a valid Avro schema" in _problems(tmp_path)


def test_the_key_field_must_exist_and_be_a_plain_string(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD], meta="key: permitId\n")
    assert "'permitId' named in event.yaml is not a top-level field" in _problems(tmp_path)
    nullable = event_schema("PermitRefused", [field("ref", ["null", "string"], default=None)])
    write_event(tmp_path, "PermitRefused", [nullable], meta="key: ref\n")
    assert "must be a plain, non-null string" in _problems(tmp_path)


def test_versions_count_up_without_gaps(tmp_path: Path) -> None:
    folder = write_event(tmp_path, "PermitGranted", [GOOD])
    (folder / "v1.avsc").rename(folder / "v2.avsc")
    assert "v1.avsc: missing" in _problems(tmp_path)


def test_a_doc_only_change_is_not_a_new_version(tmp_path: Path) -> None:
    again = json.loads(json.dumps(GOOD))
    again["doc"] = "Reworded."
    write_event(tmp_path, "PermitGranted", [GOOD, again])
    assert "same Parsing Canonical Form" in _problems(tmp_path)


def test_event_names_are_unique_across_domains(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD])
    other = event_schema("PermitGranted", [field("fee", "int")], domain="finance")
    write_event(tmp_path, "PermitGranted", [other], domain="finance")
    assert "unique across the catalog" in _problems(tmp_path)


def test_stray_files_and_bad_folder_names(tmp_path: Path) -> None:
    folder = write_event(tmp_path, "PermitGranted", [GOOD])
    (folder / "v2.json").write_text("{}")
    (tmp_path / "Finance").mkdir()
    problems = _problems(tmp_path)
    assert "permit/PermitGranted/v2.json: unexpected file" in problems
    assert "Finance: a domain folder is named in lower-case" in problems


def test_majors_must_count_up(tmp_path: Path) -> None:
    write_event(tmp_path, "PermitGranted", [GOOD], meta="key: caseNumber\nmajors: {2: 1}\n")
    assert "major 1 must start at schema version 1" in _problems(tmp_path)


def test_a_missing_catalog_folder(tmp_path: Path) -> None:
    assert "no such catalog folder" in _problems(tmp_path / "nowhere")
