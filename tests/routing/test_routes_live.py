"""Routes against the real broker and real HTTP targets: retries, dead letters, crashes,
scale-out and personal data."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from hub.events import Catalog, Decoder
from hub.routing.runner import group_id
from hub.runtime.reading import read_committed
from tests.factories import case_opened
from tests.kafka_env import KafkaUnderTest
from tests.routing.helpers import hub, hub_yaml, publish, running, wait_for
from tests.routing.target import Department

pytestmark = pytest.mark.integration

HALF = "    filter: 'data.caseNumber < \"KS 2026/00100\"'\n"  # 100 of the 200 cases
FAST_RETRY = "    retry: {max_attempts: 50, initial: 0.01, max: 0.05, jitter: 0.01}\n"


def _http_route(name: str, url: str, extra: str = "", retry: str = FAST_RETRY) -> str:
    return (
        f"  - name: {name}\n    from: {{domains: [registry]}}\n{extra}"
        f"    sink: {{type: http, config: {{url: '{url}'}}}}\n{retry}"
    )


def test_ten_thousand_events_over_three_routes_with_a_flaky_target(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"r{unique[-8:]}"
    events = [case_opened(i, key_space=200) for i in range(10_000)]
    with Department(fail_ratio=0.10) as flaky, Department() as steady:
        routes = (
            _http_route("to-flaky", flaky.url)
            + _http_route(
                "to-steady", steady.url, "    filter: 'data.caseNumber < \"KS 2026/00100\"'\n"
            )
            + f"  - name: to-copy\n    from: {{domains: [registry]}}\n"
            f"    sink: {{type: kafka, config: {{topic: {prefix}.copy}}}}\n"
        )
        config = hub_yaml(tmp_path, kafka, prefix, routes)
        publish(kafka, catalog, prefix, events)
        with running(config, kafka, catalog) as runtime:
            wait_for(lambda: len(flaky.received) == 10_000, 300, "the flaky target's events")
            wait_for(lambda: len(steady.received) == 5_000, 120, "the steady target's events")
            wait_for(
                lambda: len(read_committed(kafka.connection, [f"{prefix}.copy"])) >= 10_000,
                120,
                "the copied events",
            )
            metrics = runtime.registry
        ids = {e.id for e in events}
        assert set(flaky.received) == ids
        assert sum(1 for calls in flaky.calls.values() if calls > 1) > 500  # it did fail
        assert set(steady.received) <= ids
        copied = read_committed(kafka.connection, [f"{prefix}.copy"])
        decoder = Decoder(catalog)
        assert sorted(decoder.decode_record(r).id for r in copied) == sorted(ids)
        retried = metrics.get_sample_value("hub_route_retries_total", {"route": "to-flaky"})
        assert retried is not None
        assert retried > 500
        filtered = metrics.get_sample_value("hub_route_filtered_out_total", {"route": "to-steady"})
        assert filtered == 5_000.0
        for route in ("to-flaky", "to-steady"):
            lost = metrics.get_sample_value(
                "hub_route_dead_letters_total", {"route": route, "reason": "TransientError"}
            )
            assert not lost
        # the kafka sink route counts per committed transaction: each event once
        copy = {"route": "to-copy"}
        assert metrics.get_sample_value("hub_route_consumed_total", copy) == 10_000.0
        assert (
            metrics.get_sample_value("hub_route_delivered_total", {**copy, "sink": "TopicSink"})
            == 10_000.0
        )
        assert (
            metrics.get_sample_value("hub_route_end_to_end_latency_seconds_count", copy) == 10_000.0
        )
        assert metrics.get_sample_value("hub_route_last_delivery_timestamp_seconds", copy)


def test_target_down_for_good_then_replayed(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"d{unique[-8:]}"
    events = [case_opened(i) for i in range(20)]
    with Department() as target:
        target.down = True
        retry = "    retry: {max_attempts: 3, initial: 0.01, max: 0.02, jitter: 0}\n"
        config = hub_yaml(tmp_path, kafka, prefix, _http_route("archive", target.url, retry=retry))
        publish(kafka, catalog, prefix, events)
        with running(config, kafka, catalog):
            wait_for(
                lambda: (
                    len(read_committed(kafka.connection, [f"{prefix}.deadletter.archive"])) == 20
                ),
                60,
                "20 dead letters",
            )
        assert target.received == {}
        assert sum(target.calls.values()) == 60  # three attempts each

        listing = hub("dlq", "list", str(config), "archive")
        out = listing.stdout.read() if listing.stdout else ""
        assert listing.returncode == 0, out
        assert "20 dead letter(s)" in out
        assert "TransientError" in out

        target.down = False
        replayed = hub("dlq", "replay", str(config), "archive")
        out = replayed.stdout.read() if replayed.stdout else ""
        assert replayed.returncode == 0, out
        assert "20 replayed, 0 failed" in out
        assert set(target.received) == {e.id for e in events}

        again = hub("dlq", "replay", str(config), "archive")
        assert "nothing to replay" in (again.stdout.read() if again.stdout else "")

    letters = read_committed(kafka.connection, [f"{prefix}.deadletter.archive"])
    headers = dict(letters[0].headers)
    assert headers["hub_dlq_route"] == b"archive"
    assert headers["hub_dlq_attempts"] == b"3"
    assert headers["hub_dlq_topic"] == f"{prefix}.registry".encode()
    for name in (
        "hub_dlq_partition",
        "hub_dlq_offset",
        "hub_dlq_error_class",
        "hub_dlq_error",
        "hub_dlq_first_failure",
        "hub_dlq_last_failure",
        "ce_id",
    ):
        assert name in headers, name


def test_route_killed_mid_stream_loses_nothing(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"k{unique[-8:]}"
    events = [case_opened(i, key_space=50) for i in range(3_000)]
    with Department() as target:
        config = hub_yaml(tmp_path, kafka, prefix, _http_route("case-system", target.url))
        publish(kafka, catalog, prefix, events)
        first = hub("run", str(config), "--log-level", "WARNING", wait=False)
        try:
            wait_for(lambda: len(target.received) >= 500, 120, "the first deliveries")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        assert len(target.received) < 3_000, "killed too late to prove anything"
        second = hub("run", str(config), "--log-level", "WARNING", wait=False)
        try:
            wait_for(lambda: len(target.received) == 3_000, 120, "every event")
            second.send_signal(signal.SIGTERM)
            assert second.wait(30) == 0
        finally:
            if second.poll() is None:
                second.kill()
    produced = Counter(e.data["caseNumber"] for e in events)
    delivered = Counter(body["data"]["caseNumber"] for body in target.received.values())
    assert delivered == produced
    assert set(target.received) == {e.id for e in events}


def _assignment(kafka: KafkaUnderTest, group: str) -> list[int]:
    """How many partitions each member of the group holds, smallest first."""
    admin = KafkaAdminClient(**kafka.config())
    try:
        described = admin.describe_groups([group])[group]
    except KafkaError:  # the group (or its coordinator) does not exist yet
        return []
    finally:
        admin.close()
    counts = []
    for member in described.get("members") or []:
        assigned = (member.get("member_assignment") or {}).get("assigned_partitions") or []
        counts.append(sum(len(item["partitions"]) for item in assigned))
    return sorted(counts)


def test_two_processes_share_a_route_and_one_takes_over(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"s{unique[-8:]}"
    with Department() as target:
        config = hub_yaml(tmp_path, kafka, prefix, _http_route("shared", target.url))
        publish(kafka, catalog, prefix, [case_opened(i) for i in range(10)])
        one = hub("run", str(config), "--only", "shared", "--log-level", "WARNING", wait=False)
        two = hub("run", str(config), "--only", "shared", "--log-level", "WARNING", wait=False)
        try:
            wait_for(
                lambda: _assignment(kafka, group_id(prefix, "shared")) == [1, 2], 150, "a 1+2 split"
            )
            one.send_signal(signal.SIGKILL)
            one.wait(10)
            wait_for(
                lambda: _assignment(kafka, group_id(prefix, "shared")) == [3], 150, "a takeover"
            )
            later = [case_opened(i) for i in range(10, 40)]
            publish(kafka, catalog, prefix, later)
            wait_for(lambda: len(target.received) == 40, 60, "events after the takeover")
        finally:
            for proc in (one, two):
                if proc.poll() is None:
                    proc.kill()


def test_personal_data_masked_unless_the_route_may_receive_it(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, unique: str
) -> None:
    prefix = f"p{unique[-8:]}"
    event = case_opened(1)
    event = type(event)(
        type=event.type,
        source=event.source,
        data={**event.data, "caseOfficer": "Anna Andersson"},
    )
    with Department() as masked, Department() as clear:
        allowed = "    personal_data: {allow: true, reason: 'Case system of record (OSL 5 kap.)'}\n"
        routes = _http_route("masked", masked.url) + _http_route("clear", clear.url, allowed)
        config = hub_yaml(tmp_path, kafka, prefix, routes)
        publish(kafka, catalog, prefix, [event])
        with running(config, kafka, catalog):
            wait_for(lambda: bool(masked.received and clear.received), 60, "both deliveries")
    (masked_body,) = masked.received.values()
    (clear_body,) = clear.received.values()
    assert clear_body["data"]["caseOfficer"] == "Anna Andersson"
    assert masked_body["data"]["caseOfficer"] != "Anna Andersson"
    assert "Anna" not in str(masked_body)
    assert masked_body["data"]["caseNumber"] == clear_body["data"]["caseNumber"]
    listing = hub("routes", "list", str(config))
    out = listing.stdout.read() if listing.stdout else ""
    assert "Case system of record" in out
    assert "masked" in out
