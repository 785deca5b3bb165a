"""SCRAM-SHA-512 authentication on the local broker's SASL listeners."""

from __future__ import annotations

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from pydantic import SecretStr

from hub.connection import KafkaConnection
from hub.localkafka.probe import broker_answers
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration


def _round_trip(conn: KafkaConnection, topic: str, group: str) -> list[bytes]:
    producer = KafkaProducer(**conn.client_config(), acks="all")
    producer.send(topic, key=b"k", value=b"hej").get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(
        topic,
        **conn.client_config(),
        group_id=group,
        auto_offset_reset="earliest",
        consumer_timeout_ms=15000,
    )
    try:
        return [r.value for r in consumer][:1]
    finally:
        consumer.close()


@pytest.mark.parametrize("listener", ["scram", "tls"])
def test_right_password_works(secure_kafka: KafkaUnderTest, unique: str, listener: str) -> None:
    conn = getattr(secure_kafka, listener)
    assert conn is not None
    secure_kafka.create_topic(unique, partitions=1)
    assert _round_trip(conn, unique, f"{unique}-g") == [b"hej"]


@pytest.mark.parametrize("listener", ["scram", "tls"])
def test_wrong_password_is_refused(secure_kafka: KafkaUnderTest, listener: str) -> None:
    conn = getattr(secure_kafka, listener)
    assert conn is not None
    wrong = conn.model_copy(update={"sasl_password": SecretStr("not-the-password")})
    config = wrong.client_config()
    bootstrap = config.pop("bootstrap_servers")
    config.pop("client_id")
    assert broker_answers(",".join(bootstrap), timeout=5, client=config) is False
    with pytest.raises(KafkaError):
        KafkaProducer(**wrong.client_config(), bootstrap_timeout_ms=5000)
