"""The ``bgmax`` source against the real broker: whole files, exactly once, bad files aside."""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

import pytest

from connectors.bgmax import synthetic_file, write_bgmax
from connectors.bgmax.config import BgMaxConfig
from connectors.bgmax.connector import connector
from connectors.bgmax.source import FileEvents
from hub.events import Catalog
from hub.sdk import BatchRejected
from hub.testing import run_source
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).parent / "data" / "bankgirot-example-ocr.bgmax"


def _config(inbox: Path) -> BgMaxConfig:
    return BgMaxConfig(
        inbox=inbox,
        municipality_code="2480",
        organisation_number="212000-2627",
        settle_seconds=0,
        poll_interval=0.1,
    )


def _drop(inbox: Path, name: str, data: bytes, age: float = 10.0) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_bankgirot_sample_publishes_each_payment_once(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path
) -> None:
    inbox = tmp_path / "in"
    _drop(inbox, "sample.bgmax", SAMPLE.read_bytes())
    config = _config(inbox)

    first = run_source(connector, config, kafka=kafka.connection, catalog=catalog, name="bg")
    again = run_source(
        connector, config, kafka=kafka.connection, catalog=catalog, name="bg", prefix=first.prefix
    )

    events = first.events
    assert len(events) == 7  # 6 payments and 1 deduction
    kinds = sorted(e.data["kind"] for e in events)
    assert kinds == ["DEDUCTION"] + ["PAYMENT"] * 6
    signed = sum(
        e.data["amount"]["amountOre"] * (-1 if e.data["kind"] == "DEDUCTION" else 1) for e in events
    )
    assert signed == 190000 + 800000
    assert {e.data["recipientBankgiro"] for e in events} == {"9912346"}
    assert all(e.type == "se.kommun.hub.finance.PaymentReceived.v1" for e in events)
    assert all(e.subject == e.data["reference"] for e in events)
    names = {(e.data["payer"] or {}).get("name") for e in events}
    assert any(n and "å" in n for n in names), names
    assert len({e.id for e in events}) == 7
    assert (inbox / "processed" / "sample.bgmax").exists()
    assert not (inbox / "sample.bgmax").exists()
    assert first.dead_letters == []
    # The second run finds the file done: nothing more is published.
    assert [e.id for e in again.events] == [e.id for e in events]


def test_bad_file_goes_to_rejected_and_the_next_file_flows(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path
) -> None:
    inbox = tmp_path / "in"
    lines = SAMPLE.read_bytes().split(b"\r\n")
    lines[5] = lines[5] + b"X" * 20  # a line longer than 80 characters
    _drop(inbox, "a-broken.bgmax", b"\r\n".join(lines), age=20)
    good = write_bgmax(synthetic_file(25, seed=3))
    _drop(inbox, "b-good.bgmax", good, age=10)

    published = run_source(
        connector, _config(inbox), kafka=kafka.connection, catalog=catalog, name="bg"
    )

    assert len(published.events) == 25
    assert len(published.dead_letters) == 1
    letter = published.dead_letters[0]
    assert letter.key == "a-broken.bgmax:6"
    assert "line 6" in letter.reason
    assert "length" in letter.reason
    assert letter.headers["hub_dlq_connector"] == "bg"
    rejected = inbox / "rejected" / "a-broken.bgmax"
    assert rejected.exists()
    reason = (inbox / "rejected" / "a-broken.bgmax.reason.txt").read_text()
    assert "line: 6" in reason
    assert "field:" in reason
    assert (inbox / "processed" / "b-good.bgmax").exists()
    assert published.metrics is not None
    rejected_count = published.metrics.get_sample_value(
        "hub_source_dead_letters_total", {"connector": "bg", "reason": "BgMaxError"}
    )
    assert rejected_count == 1.0
    shutil.rmtree(inbox)


def test_a_rejected_file_dropped_again_is_rejected_again_not_processed(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path
) -> None:
    inbox = tmp_path / "in"
    lines = SAMPLE.read_bytes().split(b"\r\n")
    lines[5] = lines[5] + b"X" * 20
    bad = b"\r\n".join(lines)
    _drop(inbox, "a-broken.bgmax", bad)
    config = _config(inbox)
    first = run_source(connector, config, kafka=kafka.connection, catalog=catalog, name="bg")
    assert len(first.dead_letters) == 1

    _drop(inbox, "again.bgmax", bad)  # the very same bytes, under another name
    again = run_source(
        connector, config, kafka=kafka.connection, catalog=catalog, name="bg", prefix=first.prefix
    )

    assert again.events == []
    assert len(again.dead_letters) == 1  # the topic holds the first run's; none is added
    assert not (inbox / "processed").exists() or not any((inbox / "processed").iterdir())
    assert (inbox / "rejected" / "again.bgmax").exists()
    reason = (inbox / "rejected" / "again.bgmax.reason.txt").read_text()
    assert "line: 6" in reason


@pytest.mark.parametrize("in_worker", [True, False], ids=["in-worker", "here"])
def test_file_bad_only_at_its_end_record_publishes_nothing_but_its_dead_letter(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path, in_worker: bool
) -> None:
    """The file is read once, published as it is checked: thousands of payments are sent
    before the end record (70) turns out wrong, and that transaction is aborted."""
    inbox = tmp_path / "in"
    lines = write_bgmax(synthetic_file(3000, seed=11)).split(b"\r\n")
    end = max(i for i, line in enumerate(lines) if line.startswith(b"70"))
    claimed = int(lines[end][2:10])
    lines[end] = lines[end][:2] + b"%08d" % (claimed + 1) + lines[end][10:]
    _drop(inbox, "a-short.bgmax", b"\r\n".join(lines), age=20)
    good = write_bgmax(synthetic_file(5, seed=12))
    _drop(inbox, "b-good.bgmax", good, age=10)

    config = _config(inbox).model_copy(update={"encode_in_worker": in_worker})
    published = run_source(connector, config, kafka=kafka.connection, catalog=catalog, name="bg")

    assert len(published.events) == 5  # the good file's, none of the bad one's 3,000
    assert len(published.dead_letters) == 1
    letter = published.dead_letters[0]
    assert letter.key == f"a-short.bgmax:{end + 1}"
    assert "count_20" in letter.reason
    assert letter.value == lines[end]
    assert (inbox / "rejected" / "a-short.bgmax").exists()
    reason = (inbox / "rejected" / "a-short.bgmax.reason.txt").read_text()
    assert f"line: {end + 1}" in reason
    assert "field: end record.count_20" in reason
    assert (inbox / "processed" / "b-good.bgmax").exists()


def test_file_events_check_the_file_as_they_go(tmp_path: Path) -> None:
    """All payments come out before a damaged end record stops the iteration, which then
    hands the runtime the file's dead letter, position and rejection instead."""
    lines = write_bgmax(synthetic_file(3000, seed=11)).split(b"\r\n")
    end = max(i for i, line in enumerate(lines) if line.startswith(b"70"))
    lines[end] = lines[end][:27] + b"99999999" + lines[end][35:]  # count_15
    path = _drop(tmp_path, "short.bgmax", b"\r\n".join(lines))
    after = {"done": [], "rejected": ["abc"]}
    events = iter(FileEvents(path, "abc", _config(tmp_path), after))
    seen = list(itertools.islice(events, 3000))
    with pytest.raises(BatchRejected) as caught:
        next(events)
    assert len(seen) == 3000
    assert len({e.id for e in seen}) == 3000
    replacement = caught.value.replacement
    assert list(replacement.events) == []
    assert replacement.position == after
    [letter] = replacement.dead_letters
    assert letter.key == f"short.bgmax:{end + 1}"
    assert "count_15" in letter.reason
    assert letter.payload == lines[end]
    assert replacement.token.error.field == "end record.count_15"
