"""The route filter language: grammar, evaluation on catalog events, and its errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hub.events import Catalog, Event
from hub.routing.expr import ExpressionError, Filter, compile_filter
from hub.routing.paths import event_name
from tests.routing.sample_events import (
    PERMIT_GRANTED,
    case_opened,
    payment_received,
    permit_granted,
    permit_refused,
)


@pytest.fixture(scope="module")
def permits(catalog: Catalog) -> list[Any]:
    return [catalog.get("PermitGranted"), catalog.get("PermitRefused")]


def check(catalog: Catalog, text: str, event: Event, *names: str) -> bool:
    """Compile ``text`` for the named events (default: the event's own) and match."""
    found = catalog.by_dataschema(event.dataschema) if event.dataschema else None
    found = found or catalog.by_type(event.type)
    schemas = [catalog.get(name) for name in names] if names else [found]
    return compile_filter(text, schemas).matches(event)


def error(catalog: Catalog, text: str, *names: str) -> ExpressionError:
    schemas = [catalog.get(name) for name in names or ("PermitGranted",)]
    with pytest.raises(ExpressionError) as caught:
        compile_filter(text, schemas)
    return caught.value


# -- grammar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true or false and false", True),  # and binds tighter than or
        ("false and false or true", True),
        ("(true or false) and false", False),
        ("not false and false", False),  # not binds tighter than and
        ("not (false and false)", True),
        ("not not true", True),
        ("false or false or true", True),
        ("true and true and not true", False),
        ("((true))", True),
        ("1 < 2 and 2.5 >= 2 and -1 < 0", True),
        ("'a' == \"a\"", True),
        ("null == null", True),
    ],
)
def test_precedence_and_parentheses(catalog: Catalog, text: str, expected: bool) -> None:
    assert check(catalog, text, permit_granted()) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('data.permitType in ["BUILDING_PERMIT", "SITE_PERMIT"]', True),
        ('data.permitType in ["SITE_PERMIT"]', False),
        ('data.permitType not in ["SITE_PERMIT"]', True),
        ('not data.permitType in ["BUILDING_PERMIT"]', False),
        ('data.permitType in ["BUILDING_PERMIT",]', True),  # a trailing comma
        ("data.permitType in []", False),
        ("data.permitType not in []", True),
        ("data.fee.amountOre in [1, 2345600]", True),
        ("data.publishedOn in [null]", True),
        ('data.publishedOn not in ["2026-03-02"]', True),
        ('data.decidedOn in ["2026-03-01", "2026-03-02"]', True),
    ],
)
def test_in_lists(catalog: Catalog, text: str, expected: bool) -> None:
    assert check(catalog, text, permit_granted()) is expected


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r'"say \"hi\""', 'say "hi"'),
        (r"'it\'s'", "it's"),
        (r"'a \"quoted\" word'", 'a "quoted" word'),
        (r'"back\\slash"', "back\\slash"),
        (r'"UME\u00c5"', "UMEÅ"),
        (r'"two\nlines\ttab"', "two\nlines\ttab"),
        ('"UMEÅ STADEN 11:5"', "UMEÅ STADEN 11:5"),
        ('""', ""),
    ],
)
def test_string_escapes(catalog: Catalog, literal: str, value: str) -> None:
    event = permit_granted(measure=value)
    assert check(catalog, f"data.measure == {literal}", event)
    assert not check(catalog, f"data.measure != {literal}", event)


def test_whitespace_and_newlines_are_free(catalog: Catalog) -> None:
    text = '\n  data.municipality.code == "2480"\n  and\tdata.fee.amountOre>1000\n'
    assert check(catalog, text, permit_granted())


def test_field_names_may_begin_with_keywords(catalog: Catalog) -> None:
    notify = [catalog.get("ResidentNotificationRequested")]
    assert compile_filter("data.notBefore == null or data.notBefore > time", notify)
    payment = payment_received()
    assert check(catalog, "exists(data.information) and not exists(data.deductionCode)", payment)
    assert check(catalog, "data.imageAvailable or exists(data.information)", payment)


# -- evaluation on catalog events ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('data.municipality.code == "2480"', True),
        ('data.municipality.code != "2480"', False),
        ("data.fee.amountOre >= 2345600", True),
        ("data.fee.amountOre > 2345600", False),
        ("data.fee.amountOre < 2345600.5", True),
        ('data.permitType == "BUILDING_PERMIT"', True),
        ('data.decidedBy != "COMMITTEE"', True),
        ('data.decidedOn == "2026-03-02"', True),
        ('data.decidedOn >= "2026-03-01" and data.decidedOn < "2026-04-01"', True),
        ("data.technicalConsultationRequired", True),
        ("not data.technicalConsultationRequired", False),
        ("data.technicalConsultationRequired == false", False),
        ('data.caseNumber >= "BN 2026" and data.caseNumber < "BN 2027"', True),  # strings order
        ("exists(data.caseNumber)", True),
        ("exists(data.fee)", True),
        ("exists(data.validUntil)", False),  # null
        ("data.publishedOn == null", True),
        ("data.publishedOn != null", False),
        ('subject == "BN 2026-000123"', True),
        ('source == "/kommun/2480/bygglov"', True),
        ('id == "7f0c8a52-4a4b-4c1e-9a59-2b1d0a0e5f11"', True),
        ('dataschema == "urn:municipal-event-hub:schemas:permit/PermitGranted/v2.avsc"', True),
    ],
)
def test_permit_granted(catalog: Catalog, text: str, expected: bool) -> None:
    assert check(catalog, text, permit_granted()) is expected


@pytest.mark.parametrize(
    "text",
    [
        'data.publishedOn == "2026-03-02"',
        'data.publishedOn < "2099-01-01"',
        'data.publishedOn >= "1900-01-01"',
        "exists(data.publishedOn)",
    ],
)
def test_null_fails_every_comparison(catalog: Catalog, text: str) -> None:
    assert not check(catalog, text, permit_granted())


def test_null_is_unequal_to_every_value(catalog: Catalog) -> None:
    assert check(catalog, 'data.publishedOn != "2026-03-02"', permit_granted())
    assert check(catalog, 'data.publishedOn not in ["2026-03-02"]', permit_granted())


def test_missing_fields_count_as_null(catalog: Catalog) -> None:
    event = permit_granted()
    sparse = Event(type=event.type, source=event.source, data={"caseNumber": "BN 1"})
    for text in ("data.fee.amountOre > 0", 'data.municipality.code == "2480"', "exists(data.fee)"):
        assert not check(catalog, text, sparse, "PermitGranted")
    assert check(catalog, 'data.municipality.code != "2480"', sparse, "PermitGranted")


def test_data_of_another_type_than_the_schema_says_does_not_match(catalog: Catalog) -> None:
    odd = permit_granted(fee={"amountOre": "a lot"}, decidedOn="yesterday")
    assert not check(catalog, "data.fee.amountOre > 1", odd)
    assert not check(catalog, 'data.decidedOn < "2026-01-01"', odd)
    assert check(catalog, "data.fee.amountOre != 1", odd)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('type == "PermitGranted"', True),
        (f'type == "{PERMIT_GRANTED}"', True),
        ('type != "PermitGranted"', False),
        ('type == "PermitRefused"', False),
        ('type in ["PermitRefused", "PermitGranted"]', True),
        (f'type in ["PermitRefused", "{PERMIT_GRANTED}"]', True),
        ('type not in ["PermitGranted"]', False),
        ('event == "PermitGranted"', True),
        ('event in ["PermitRefused"]', False),
        ('event != "PermitRefused"', True),
    ],
)
def test_type_compares_with_event_names(
    catalog: Catalog, permits: list[Any], text: str, expected: bool
) -> None:
    assert compile_filter(text, permits).matches(permit_granted()) is expected


def test_the_caller_may_name_the_event(catalog: Catalog, permits: list[Any]) -> None:
    refused = compile_filter('event == "PermitRefused"', permits)
    assert refused.matches(permit_refused())
    assert refused.matches(permit_granted(), "PermitRefused")  # the caller's word counts
    assert not refused.matches(permit_granted(), "PermitGranted")


def test_event_names_come_from_types() -> None:
    assert event_name(PERMIT_GRANTED) == "PermitGranted"
    assert event_name("se.kommun.hub.permit.PermitGranted") == "PermitGranted"
    assert event_name("PermitGranted") == "PermitGranted"


def test_a_filter_for_several_events(catalog: Catalog, permits: list[Any]) -> None:
    big_fee = compile_filter("data.fee.amountOre >= 1000000", permits)
    assert big_fee.matches(permit_granted())
    assert not big_fee.matches(permit_refused())
    mine = compile_filter(
        'event == "PermitRefused" and data.permitType == "DEMOLITION_PERMIT"', permits
    )
    assert mine.matches(permit_refused())
    assert not mine.matches(permit_granted(permitType="DEMOLITION_PERMIT"))


def test_paths_compare_with_paths(catalog: Catalog) -> None:
    refused = permit_refused()  # decided 3 March, published 10 March
    assert check(catalog, "data.decidedOn < data.publishedOn", refused)
    assert not check(catalog, "data.decidedOn == data.publishedOn", refused)
    assert check(catalog, "data.decidedOn != data.publishedOn", refused)
    granted = permit_granted()  # not published: null
    assert not check(catalog, "data.decidedOn < data.publishedOn", granted)
    assert not check(catalog, "data.decidedOn == data.publishedOn", granted)
    assert check(catalog, "data.decidedOn != data.publishedOn", granted)
    assert check(catalog, "subject == data.caseNumber", granted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('data.secrecy == "PUBLIC"', True),
        ('data.secrecy in ["SECRET", "PARTLY_SECRET"]', False),
        ('data.receivedOn < "2026-03-01"', True),
        ('data.openedAt >= "2026-03-01T08:15:00Z"', True),
        ('data.openedAt > "2026-03-01T09:00:00+01:00"', True),  # 08:00 UTC
        ('data.openedAt < "2026-03-02"', True),  # a date: midnight UTC
        ('data.registry == "KS" and data.caseType == "MEDBORGARFÖRSLAG"', True),
        ("exists(data.parties)", True),
        ('data.responsibleUnit == "Kommunledningskontoret"', True),
    ],
)
def test_case_opened(catalog: Catalog, text: str, expected: bool) -> None:
    assert check(catalog, text, case_opened()) is expected


@pytest.mark.parametrize(
    ("text", "with_payer", "without_payer"),
    [
        ("exists(data.payer)", True, False),
        ('data.payer.name == "Anna Andersson"', True, False),
        ('data.payer.name != "Anna Andersson"', False, True),
        ("exists(data.payer.name)", True, False),
        ('not exists(data.payer) or data.payer.countryCode == "SE"', True, True),
        ("data.amount.amountOre >= 100000", True, True),
        ('data.kind == "PAYMENT" and data.referenceCode == "OCR"', True, True),
        ("data.deductionCode == null", True, True),
        ('data.fileCreatedAt > "2026-03-02T06:00:00.123Z"', True, True),
        ('data.paymentDate == "2026-03-02"', True, True),
    ],
)
def test_payment_received(
    catalog: Catalog, text: str, with_payer: bool, without_payer: bool
) -> None:
    assert check(catalog, text, payment_received()) is with_payer
    assert check(catalog, text, payment_received(payer=None)) is without_payer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('time == "2026-03-02T09:30:00Z"', True),
        ('time == "2026-03-02T10:30:00+01:00"', True),  # the same instant
        ('time >= "2026-03-02"', True),
        ('time < "2026-03-02T09:30:00Z"', False),
        ('time > "2026-03-02t09:29:59.999z"', True),
        ('time <= "2026-03-02 09:30Z"', True),
    ],
)
def test_time_compares_with_rfc3339_and_dates(catalog: Catalog, text: str, expected: bool) -> None:
    assert check(catalog, text, permit_granted()) is expected


def test_a_filter_shows_its_text(catalog: Catalog) -> None:
    compiled = compile_filter("true", [catalog.get("PermitGranted")])
    assert isinstance(compiled, Filter)
    assert repr(compiled) == "Filter('true')"
    assert compiled.text == "true"


# -- errors -------------------------------------------------------------------------------


def test_an_unknown_field_is_named_with_what_the_event_has(catalog: Catalog) -> None:
    caught = error(catalog, 'data.municipality.code == "2480" and data.caseNumbr == "x"')
    assert str(caught).startswith(
        "unknown field data.caseNumbr (PermitGranted has: caseNumber, municipality, decidedOn,"
    )
    assert "did you mean data.caseNumber?" in str(caught)
    assert caught.field == "data.caseNumbr"
    assert caught.column == 38
    assert caught.line == 1


def test_an_unknown_nested_field_names_its_record(catalog: Catalog) -> None:
    caught = error(catalog, 'data.payer.nme == "x"', "PaymentReceived")
    assert "unknown field data.payer.nme (data.payer in PaymentReceived has: name, " in str(caught)
    assert "did you mean data.payer.name?" in str(caught)


def test_a_path_into_a_value_that_is_no_record(catalog: Catalog) -> None:
    caught = error(catalog, "exists(data.caseNumber.year)")
    assert str(caught) == (
        "unknown field data.caseNumber.year: data.caseNumber in PermitGranted is not a record"
    )
    assert caught.column == 8


def test_every_event_the_route_reads_must_have_the_field(catalog: Catalog) -> None:
    caught = error(catalog, "exists(data.payer)", "PaymentReceived", "CaseOpened")
    message = str(caught)
    assert message.startswith("unknown field data.payer (CaseOpened has: caseNumber,")
    assert "PaymentReceived has it, but a route may only use fields every event it reads has" in (
        message
    )
    assert "from.types" in message


def test_versions_are_told_apart(catalog: Catalog) -> None:
    v1, v2 = catalog.versions("PermitGranted")
    with pytest.raises(ExpressionError, match=r"\(PermitGranted v1 has: .*PermitGranted v2 has it"):
        compile_filter('data.validUntil > "2026-01-01"', [v1, v2])


def test_a_route_without_events_cannot_check_data_paths() -> None:
    with pytest.raises(ExpressionError, match="the route reads no events"):
        compile_filter('data.caseNumber == "x"', [])


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        (
            'data.caseNumber == "x" data',
            "syntax error at column 24: unexpected 'data'; expected 'and', 'or' or the end",
            24,
        ),
        ("data.fee = 1", "syntax error at column 10: unexpected '='", 10),
        ('(data.caseNumber == "x"', "syntax error at column 24: unexpected end; expected ')'", 24),
        ('data.caseNumber == "x', "syntax error at column 20: a string is not closed", 20),
        ("data.caseNumber == ", "syntax error at column 19: unexpected end; expected 'false',", 19),
        ("data.a && data.b", "syntax error at column 8: unexpected '&'", 8),
        ("data.caseNumber in [data.x]", "syntax error at column 21: unexpected 'data'", 21),
        ("and data.x", "syntax error at column 1: unexpected 'and'", 1),
        ("data.fee.amountOre < 1 < 2", "syntax error at column 24: unexpected '<'", 24),
        ("exists data.x", "syntax error at column 8: unexpected 'data'; expected '('", 8),
    ],
)
def test_syntax_errors_say_where_and_what_was_expected(
    catalog: Catalog, text: str, message: str, column: int
) -> None:
    caught = error(catalog, text)
    assert str(caught).startswith(message)
    assert caught.column == column
    assert caught.field is None


def test_syntax_error_hints() -> None:
    with pytest.raises(ExpressionError, match=r"\(compare with ==\)$"):
        compile_filter("data.fee = 1", [])
    with pytest.raises(ExpressionError, match=r"\(write and\)$"):
        compile_filter("data.a && data.b", [])
    with pytest.raises(ExpressionError, match=r"\(end it with '\)$"):
        compile_filter("data.a == 'x", [])


def test_syntax_errors_on_later_lines_give_the_line() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_filter('data.a == "x"\n  and\n  or data.b', [])
    assert str(caught.value).startswith("syntax error at line 3, column 3: unexpected 'or'")
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_an_empty_filter_is_refused() -> None:
    with pytest.raises(ExpressionError, match="the filter is empty"):
        compile_filter("  \n", [])


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        (
            "data.municipality.code == 2480",
            'cannot compare data.municipality.code (a string) with 2480 (a number); write "2480"',
            27,
        ),
        (
            'data.fee.amountOre > "100"',
            'cannot compare data.fee.amountOre (a number) with "100" (a string)',
            22,
        ),
        (
            'data.caseNumber in ["BN 1", 2]',
            "cannot compare data.caseNumber (a string) with 2 (a number)",
            29,
        ),
        (
            "data.technicalConsultationRequired == 1",
            "cannot compare data.technicalConsultationRequired (a boolean) with 1 (a number)",
            39,
        ),
        (
            "data.caseNumber == data.fee.amountOre",
            "cannot compare data.caseNumber (a string) with data.fee.amountOre (a number)",
            20,
        ),
        (
            'data.permitType == "BUILDNG_PERMIT"',
            "'BUILDNG_PERMIT' is not a symbol of data.permitType (BUILDING_PERMIT, ",
            20,
        ),
        (
            'data.permitType < "SITE_PERMIT"',
            "data.permitType is an enum and has no order: use == or in",
            1,
        ),
        (
            "data.technicalConsultationRequired > false",
            "data.technicalConsultationRequired is a boolean and has no order",
            1,
        ),
        (
            'data.decidedOn >= "2026-02-30"',
            '"2026-02-30" is not a date like 2026-03-01, as data.decidedOn needs',
            19,
        ),
        (
            'time > "2026-03-01T10:00"',
            '"2026-03-01T10:00" is not an RFC 3339 time like 2026-03-01T09:30:00Z',
            8,
        ),
        ("data.fee.amountOre < null", "data.fee.amountOre < null: null compares only with", 22),
        (
            'data.fee == "x"',
            "data.fee is a record: a filter compares single values (test exists(data.fee)",
            1,
        ),
        ("data.fee", "data.fee is a record, not a condition", 1),
        ('"yes"', '"yes" is a string, not a condition', 1),
        (
            'type == "CaseOpened"',
            "unknown event type 'CaseOpened': the route reads PermitGranted",
            9,
        ),
        (
            'event == "PermitGrantd"',
            "unknown event 'PermitGrantd': the route reads PermitGranted",
            10,
        ),
        ('typ == "x"', "unknown path typ: use data.<field> or an attribute (type, source,", 1),
        ('Data.caseNumber == "x"', "unknown path Data.caseNumber", 1),
        ('type.name == "x"', "type is an attribute without fields: write type", 1),
        (r'data.caseNumber == "a\qb"', r"unknown escape \q in a string at column 22", 22),
    ],
)
def test_checks_name_the_problem(catalog: Catalog, text: str, message: str, column: int) -> None:
    caught = error(catalog, text)
    assert str(caught).startswith(message)
    assert caught.column == column


def test_a_field_of_different_types_in_two_events(catalog: Catalog) -> None:
    caught = error(catalog, "data.kind == 1", "PaymentReceived", "FinalNoticeIssued")
    assert "cannot compare data.kind (an enum) with 1" in str(caught)
    enums = compile_filter(
        'data.kind in ["PAYMENT", "FINAL"]',
        [
            catalog.get("PaymentReceived"),
            catalog.get("FinalNoticeIssued"),
        ],
    )
    assert enums.matches(payment_received())


def test_expression_errors_are_value_errors() -> None:
    assert issubclass(ExpressionError, ValueError)


def test_the_field_of_an_error_is_the_path(catalog: Catalog) -> None:
    assert error(catalog, "data.municipality.code == 2480").field == "data.municipality.code"
    assert error(catalog, 'data.decidedOn >= "x"').field == "data.decidedOn"
    assert error(catalog, 'type == "X"').field == "type"


def test_matching_does_not_parse(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_filter(
        'data.fee.amountOre > 0 and event == "PermitGranted"', [catalog.get("PermitGranted")]
    )
    import hub.routing.expr as expr

    def refuse() -> None:
        raise AssertionError("parsed while matching")

    monkeypatch.setattr(expr, "_parser", refuse)
    assert compiled.matches(permit_granted())


def test_dates_in_data_may_be_datetimes_of_any_zone(catalog: Catalog) -> None:
    stockholm = dt.timezone(dt.timedelta(hours=1))
    event = case_opened(openedAt=dt.datetime(2026, 3, 1, 9, 15, tzinfo=stockholm))
    assert check(catalog, 'data.openedAt == "2026-03-01T08:15:00Z"', event)
