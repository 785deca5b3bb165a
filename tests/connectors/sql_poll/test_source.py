"""The sql-poll source against a real PostgreSQL and the real broker (read_committed)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
import sqlalchemy as sa

from connectors.sql_poll.connector import connector
from hub.events import Catalog, Event
from hub.testing import run_source
from tests.connectors.sql_poll.legacy import (
    ARENDE,
    OUTBOX,
    case_number,
    case_opened_config,
    case_row,
    create,
    insert_cases,
    insert_outbox,
    status_changed_config,
)
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

STOCKHOLM_WINTER = dt.timezone(dt.timedelta(hours=1))


def _by_key(events: list[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        assert event.subject is not None
        out[event.subject].append(event)
    return out


def test_incrementing_publishes_each_row_once_and_then_only_new_rows(
    kafka: KafkaUnderTest, catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    insert_cases(db, (case_row(n) for n in range(1, 31)))
    config = case_opened_config(db_url, batch_size=7)

    first = run_source(connector, config, kafka=kafka.connection, catalog=catalog, name="diarium")
    insert_cases(db, (case_row(n) for n in range(31, 36)))
    again = run_source(
        connector,
        config,
        kafka=kafka.connection,
        catalog=catalog,
        name="diarium",
        prefix=first.prefix,
    )

    assert sorted(e.data["caseNumber"] for e in first.events) == [
        case_number(n) for n in range(1, 31)
    ]
    events = again.events  # the second run reads the same topics: old and new together
    assert sorted(e.data["caseNumber"] for e in events) == [case_number(n) for n in range(1, 36)]
    assert len({e.id for e in events}) == 35
    one = next(e for e in events if e.subject == "KS 2026/00001")
    assert one.type == "se.kommun.hub.registry.CaseOpened.v1"
    assert one.source == "/kommun/2480/diarium"
    assert one.subject == one.data["caseNumber"] == "KS 2026/00001"
    assert one.data["municipality"] == {"code": "2480", "organisationNumber": "212000-2627"}
    # 2026-03-01 10:16 in the database is Swedish (winter) time
    opened = dt.datetime(2026, 3, 1, 10, 16, tzinfo=STOCKHOLM_WINTER)
    assert one.data["openedAt"] == opened
    assert one.data["receivedOn"] == dt.date(2026, 2, 27)
    assert one.data["title"] == "BYGGLOV: Nybyggnad av enbostadshus, fastighet Test 1:1"
    assert one.data["secrecy"] == "PUBLIC"
    assert first.dead_letters == []
    assert again.dead_letters == []


def test_timestamp_incrementing_publishes_changed_rows_again_in_order(
    kafka: KafkaUnderTest, catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, ARENDE)
    same_moment = dt.datetime(2026, 3, 2, 8, 0)  # ten rows share a timestamp
    insert_cases(db, (case_row(n, andrad=same_moment) for n in range(1, 11)))
    config = status_changed_config(db_url, batch_size=3)

    first = run_source(connector, config, kafka=kafka.connection, catalog=catalog, name="status")
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE arende SET status = 'P', andrad = localtimestamp - interval '1 second' "
                "WHERE diarienr IN ('KS 2026/00003', 'KS 2026/00007')"
            )
        )
    second = run_source(
        connector,
        config,
        kafka=kafka.connection,
        catalog=catalog,
        name="status",
        prefix=first.prefix,
    )
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE arende SET status = 'A', andrad = localtimestamp "
                "WHERE diarienr = 'KS 2026/00003'"
            )
        )
    third = run_source(
        connector,
        config,
        kafka=kafka.connection,
        catalog=catalog,
        name="status",
        prefix=first.prefix,
    )

    assert len(first.events) == 10
    assert all(e.type == "se.kommun.hub.registry.CaseStatusChanged.v1" for e in first.events)
    assert len(second.events) == 12
    assert len(third.events) == 13
    by_key = _by_key(third.events)
    assert [e.data["status"] for e in by_key["KS 2026/00003"]] == ["OPEN", "IN_PROGRESS", "CLOSED"]
    assert [e.data["status"] for e in by_key["KS 2026/00007"]] == ["OPEN", "IN_PROGRESS"]
    assert [e.data["status"] for e in by_key["KS 2026/00001"]] == ["OPEN"]
    assert len({e.id for e in third.events}) == 13
    changed = by_key["KS 2026/00003"][0]
    assert changed.data["changedAt"] == same_moment.replace(tzinfo=dt.UTC)
    assert changed.time == same_moment.replace(tzinfo=dt.UTC)


def test_outbox_rows_become_their_events_in_order_per_aggregate(
    kafka: KafkaUnderTest, catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, OUTBOX)
    umea = {"code": "2480", "organisationNumber": "212000-2627"}
    opened = {
        "municipality": umea,
        "openedAt": "2026-03-01T10:15:00+01:00",
        "receivedOn": "2026-02-27",
        "registry": "BN",
        "caseType": "BYGGLOV",
        "secrecy": "PUBLIC",
        "parties": [{"role": "APPLICANT", "name": "Testperson Ett"}],
    }
    ids = insert_outbox(
        db,
        [
            ("CaseOpened", "BN 2026/00001", opened),
            ("se.kommun.hub.registry.CaseOpened.v1", "BN 2026/00002", opened),
            (
                "DocumentRegistered",
                "BN 2026/00001",
                {
                    "municipality": umea,
                    "documentNumber": 1,
                    "registeredAt": "2026-03-01T10:20:00Z",
                    "documentDate": "2026-02-27",
                    "status": "RECEIVED",
                    "documentType": "ANSÖKAN",
                    "secrecy": "PUBLIC",
                },
            ),
            (
                "CaseStatusChanged",
                "BN 2026/00001",
                {
                    "caseNumber": "BN 2026/00001",
                    "municipality": umea,
                    "changedAt": "2026-03-02T09:00:00",
                    "status": "IN_PROGRESS",
                },
            ),
            (
                "CaseClosed",
                "BN 2026/00001",
                {"municipality": umea, "closedAt": "2026-05-01T12:00:00Z", "outcome": "DECIDED"},
            ),
        ],
    )
    config = {
        "url": db_url,
        "table": "outbox",
        "id_column": "seq",
        "municipality_code": "2480",
        "system": "diarium",
        "poll_interval": 0.1,
        "batch_size": 2,
        "outbox": {"event_id_column": "id"},
    }

    published = run_source(
        connector,
        connector.config_model.model_validate(config),
        kafka=kafka.connection,
        catalog=catalog,
        name="outbox",
    )

    by_key = _by_key(published.events)
    assert [e.type.split(".")[-2] for e in by_key["BN 2026/00001"]] == [
        "CaseOpened",
        "DocumentRegistered",
        "CaseStatusChanged",
        "CaseClosed",
    ]
    assert [e.type.split(".")[-2] for e in by_key["BN 2026/00002"]] == ["CaseOpened"]
    assert sorted(e.id for e in published.events) == sorted(ids)
    first = by_key["BN 2026/00001"][0]
    assert first.data["caseNumber"] == "BN 2026/00001"
    assert first.data["openedAt"] == dt.datetime(2026, 3, 1, 9, 15, tzinfo=dt.UTC)
    assert first.data["receivedOn"] == dt.date(2026, 2, 27)
    assert first.data["parties"][0]["name"] == "Testperson Ett"
    document = by_key["BN 2026/00001"][1]
    assert document.data["documentDate"] == dt.date(2026, 2, 27)
    status = by_key["BN 2026/00001"][2]
    # no offset in the payload: the configured zone (Europe/Stockholm) applies
    assert status.data["changedAt"] == dt.datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM_WINTER)
    assert published.dead_letters == []


@pytest.mark.parametrize("in_worker", [True, False], ids=["in-worker", "in-process"])
def test_rows_that_do_not_fit_go_to_the_dead_letter_topic_and_the_rest_flows(
    kafka: KafkaUnderTest, catalog: Catalog, db: sa.Engine, db_url: str, in_worker: bool
) -> None:
    create(db, ARENDE)
    ids = insert_cases(
        db,
        [
            case_row(1),
            case_row(2, diarienr=None),  # NULL in the key field
            case_row(3),
            case_row(4, sekretess="HEMLIG"),  # not a Secrecy symbol
            case_row(5),
        ],
    )

    published = run_source(
        connector,
        case_opened_config(db_url, batch_size=2, encode_in_worker=in_worker),
        kafka=kafka.connection,
        catalog=catalog,
        name="diarium",
    )

    assert sorted(e.data["caseNumber"] for e in published.events) == [
        case_number(1),
        case_number(3),
        case_number(5),
    ]
    letters = {letter.key: letter for letter in published.dead_letters}
    assert set(letters) == {f"arende:{ids[1]}", f"arende:{ids[3]}"}
    null_key = letters[f"arende:{ids[1]}"]
    assert "caseNumber" in null_key.reason
    assert "NULL" in null_key.reason
    assert "column diarienr" in null_key.reason
    assert null_key.headers["hub_dlq_error_class"] == "BadRow"
    row = json.loads(null_key.value)
    assert row["id"] == ids[1]
    assert row["diarienr"] is None
    assert row["status"] == "O"
    secrecy = letters[f"arende:{ids[3]}"]
    assert "secrecy" in secrecy.reason
    assert "'HEMLIG'" in secrecy.reason
    assert published.metrics is not None
    counted = published.metrics.get_sample_value(
        "hub_source_dead_letters_total", {"connector": "diarium", "reason": "BadRow"}
    )
    assert counted == 2.0
    assert (
        published.metrics.get_sample_value(
            "hub_source_events_published_total",
            {"connector": "diarium", "type": "se.kommun.hub.registry.CaseOpened.v1"},
        )
        == 3.0
    )


def test_bad_outbox_rows_are_dead_letters_with_their_reason(
    kafka: KafkaUnderTest, catalog: Catalog, db: sa.Engine, db_url: str
) -> None:
    create(db, OUTBOX)
    umea = {"code": "2480", "organisationNumber": "212000-2627"}
    closed = {"municipality": umea, "closedAt": "2026-05-01T12:00:00Z", "outcome": "DECIDED"}
    insert_outbox(
        db,
        [
            ("CaseReopened", "KS 2026/00001", closed),  # no such event
            ("CaseClosed", "KS 2026/00001", {"municipality": umea}),  # closedAt missing
            ("CaseClosed", None, closed),  # no aggregate id
            ("CaseClosed", "KS 2026/00001", {**closed, "caseNumber": "KS 2026/00002"}),
            ("CaseClosed", "KS 2026/00003", closed),
        ],
    )
    config = connector.config_model.model_validate(
        {
            "url": db_url,
            "table": "outbox",
            "id_column": "seq",
            "municipality_code": "2480",
            "system": "diarium",
            "poll_interval": 0.1,
            "outbox": {},
        }
    )

    published = run_source(
        connector, config, kafka=kafka.connection, catalog=catalog, name="outbox"
    )

    assert [e.subject for e in published.events] == ["KS 2026/00003"]
    reasons = {letter.key: letter.reason for letter in published.dead_letters}
    assert sorted(reasons) == ["outbox:1", "outbox:2", "outbox:3", "outbox:4"]
    assert "CaseReopened" in reasons["outbox:1"]
    assert "closedAt" in reasons["outbox:2"]
    assert "missing" in reasons["outbox:2"]
    assert "aggregate id" in reasons["outbox:3"]
    assert "differs" in reasons["outbox:4"]
