"""The ``bgmax`` source against the real broker: whole files, exactly once, bad files aside."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from connectors.bgmax import synthetic_file, write_bgmax
from connectors.bgmax.config import BgMaxConfig
from connectors.bgmax.connector import connector
from hub.events import Catalog
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
